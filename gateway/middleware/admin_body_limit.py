"""Request-body limits for the gateway with the admin API in it.

Imports (`POST /admin/.../import`) may be large (10,000 FAQs is a few MB); everything else keeps the
gateway's small limit. Requests to /admin without a bearer token are refused before their body is read,
so an anonymous upload costs nothing.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.middleware.body_limit import BodySizeLimit
from gateway.routes.admin.deps import UNAUTHENTICATED


class AdminAwareBodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, import_max_bytes: int) -> None:
        self.default = BodySizeLimit(app, max_bytes)
        self.imports = BodySizeLimit(app, import_max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == "/admin" or path.startswith("/admin/"):
            authorization = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not authorization.lower().startswith(b"bearer ") or not authorization[7:].strip():
                response = JSONResponse(
                    {"detail": UNAUTHENTICATED}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
                )
                return await response(scope, receive, send)
            if scope.get("method") == "POST" and path.endswith("/import"):
                return await self.imports(scope, receive, send)
        return await self.default(scope, receive, send)
