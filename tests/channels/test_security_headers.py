"""Issue #17: responses carried no security headers. Every response says `X-Content-Type-Options: nosniff`;
JSON and everything under /admin and /staff also `Cache-Control: no-store` — error replies included."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/healthz", None),
        ("GET", "/api/search?q=身份证", None),
        ("POST", "/api/chat", {"sender_id": "h-1", "text": ""}),
        ("GET", "/admin/faqs", None),
        ("GET", "/wechat", None),
        ("GET", "/no-such-page", None),
    ],
)
async def test_every_response_has_the_security_headers(gateway, method, path, body):
    response = await gateway.request(method, path, json=body)
    assert response.headers.get("x-content-type-options") == "nosniff", (path, response.headers)
    if path.startswith("/admin") or response.headers.get("content-type", "").startswith("application/json"):
        assert response.headers.get("cache-control") == "no-store", (path, response.headers)
