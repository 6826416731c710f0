"""Per-client-address request limits for the public HTTP API (/api/chat, /api/search): the per-sender limit
alone lets a client rotate sender_ids without end, and search had none. The address is the peer's, or the
one a trusted proxy forwarded (gateway/client_address.py). WeChat's callbacks are not limited by address:
they all come from WeChat's servers, and each WeChat user has the per-sender limit."""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request

from gateway.client_address import request_address
from gateway.resources import Resources, resources

TOO_MANY = "您所在网络的请求太多了，请 {seconds} 秒后再试。"


def limit_by_address(kind: str):
    """A route dependency: 429 (Chinese message, Retry-After) when this address used up `kind`'s window."""

    async def check(request: Request, res: Resources = Depends(resources)) -> None:
        address = request_address(request, res.trusted_proxies)
        decision = await res.address_limiters[kind].hit(f"addr:{kind}:{address}")
        if not decision.allowed:
            res.metrics.rate_limited.labels(f"address_{kind}").inc()
            raise HTTPException(
                429, TOO_MANY.format(seconds=decision.retry_after), headers={"Retry-After": str(decision.retry_after)}
            )

    return check
