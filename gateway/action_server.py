"""Whether the action server answers: asked by /healthz and by the chat service after a reply that looks
like an action-server failure (so the citizen gets the outage notice instead of a misleading answer)."""

from __future__ import annotations

import asyncio
import weakref

import httpx

# One client per event loop: building an httpx client costs ~20 ms of CPU (its TLS context), and the chat
# service asks this after every fallback or empty reply.
_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient]" = weakref.WeakKeyDictionary()


def _client() -> httpx.AsyncClient:
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client = _clients[loop] = httpx.AsyncClient(timeout=2.0)
    return client


async def action_server_state(url: str) -> str:
    """Returns "ok" when the action server answers its health check, else why not (in Chinese)."""
    try:
        response = await _client().get(url.rstrip("/") + "/health")
        return "ok" if response.status_code == 200 else f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        return f"无法连接（{type(exc).__name__}）"
