"""Process-wide resources of the gateway, created once by the app factory and reached through
`request.app.state`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from fastapi import Request

from gateway.button_memory import ButtonMemory
from gateway.rasa_client import RasaClient
from knowledge.store import KnowledgeStore
from search.searcher import KnowledgeSearcher
from settings import Settings

if TYPE_CHECKING:
    from gateway.kv import KeyValueStore
    from gateway.middleware.metrics import GatewayMetrics
    from gateway.middleware.rate_limit import RateLimiter


@dataclass
class Resources:
    settings: Settings
    rasa: RasaClient
    store: KnowledgeStore
    searcher: KnowledgeSearcher
    # Shared state of the channels (WeChat dedupe, rate limits, tokens), rate limiter and metrics;
    # optional so that a bare Resources still works (tests, tools).
    kv: Optional["KeyValueStore"] = None
    buttons: Optional[ButtonMemory] = None  # button payloads last sent per sender, in `kv`
    rate_limiter: Optional["RateLimiter"] = None
    metrics: Optional["GatewayMetrics"] = None


def resources(request: Request) -> Resources:
    return request.app.state.resources
