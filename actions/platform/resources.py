"""The platform client and outbox of this process, created on first use from the settings."""

from __future__ import annotations

import functools

from actions.platform.application_api import ApplicationApiClient
from actions.platform.circuit_breaker import CircuitBreaker
from actions.platform.outbox import Outbox
from settings import get_settings


@functools.lru_cache(maxsize=1)
def application_api_client() -> ApplicationApiClient:
    settings = get_settings()
    return ApplicationApiClient(
        settings.application_api_url,
        timeout=settings.application_api_timeout_seconds,
        breaker=CircuitBreaker(
            failure_threshold=settings.application_api_breaker_failures,
            reset_after_seconds=settings.application_api_breaker_reset_seconds,
        ),
    )


@functools.lru_cache(maxsize=1)
def outbox() -> Outbox:
    settings = get_settings()
    return Outbox(settings.outbox_database, retry_after_seconds=settings.outbox_poll_seconds)
