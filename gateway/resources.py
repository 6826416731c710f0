"""Process-wide resources of the gateway, built complete once at start-up (`build_resources`) and reached
through `request.app.state.resources`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple

from fastapi import Request

from gateway.channels.button_memory import ButtonMemory
from gateway.client_address import Network, parse_networks
from gateway.kv import KeyValueStore, open_store
from gateway.live.desk import LiveDesk
from gateway.middleware.metrics import GatewayMetrics
from gateway.middleware.rate_limit import RateLimiter
from gateway.rasa_client import RasaClient
from knowledge.store import KnowledgeStore
from search.searcher import KnowledgeSearcher
from search.semantic import open_channel
from settings import Settings


@dataclass(frozen=True)
class Resources:
    settings: Settings
    rasa: RasaClient
    store: KnowledgeStore
    searcher: KnowledgeSearcher
    kv: KeyValueStore  # shared state of the channels: WeChat dedupe, tokens, rate limits, button payloads
    buttons: ButtonMemory  # button payloads last sent per sender, in `kv`
    rate_limiter: RateLimiter  # per sender
    address_limiters: Dict[str, RateLimiter]  # per client address: "chat", "search", "events"
    trusted_proxies: Tuple[Network, ...]  # whose X-Forwarded-For is believed
    metrics: GatewayMetrics
    live: LiveDesk  # 转人工: the agents' queue and sessions, in the knowledge database


def build_resources(settings: Settings) -> Resources:
    kv = open_store(settings.redis_url)
    store = KnowledgeStore(settings.database)
    return Resources(
        settings=settings,
        rasa=RasaClient(settings.rasa_url, settings.rasa_timeout_seconds),
        store=store,
        searcher=KnowledgeSearcher(
            settings.index_dir,
            open_channel(settings.vectors_path, settings.semantic_search, settings.semantic_threads),
        ),
        kv=kv,
        buttons=ButtonMemory(kv),
        rate_limiter=RateLimiter(kv, settings.rate_limit_messages, settings.rate_limit_window_seconds),
        address_limiters={
            "chat": RateLimiter(kv, settings.rate_limit_address_messages, settings.rate_limit_window_seconds),
            "search": RateLimiter(kv, settings.rate_limit_search_requests, settings.rate_limit_window_seconds),
            "events": RateLimiter(kv, settings.rate_limit_address_events, settings.rate_limit_window_seconds),
        },
        trusted_proxies=tuple(parse_networks(settings.trusted_proxies)),
        metrics=GatewayMetrics(),
        live=LiveDesk(store.engine, settings.live_agent_timeout_seconds),
    )


def resources(request: Request) -> Resources:
    return request.app.state.resources
