"""Refuses JSON request bodies that decode but cannot be used: lone UTF-16 surrogates (a "\\ud800" escape
decodes to a string Python can never encode as UTF-8, so it would pass validation and fail later — sent
to Rasa, written to the database, put in a WeChat reply — as a 500) and nesting too deep to decode.
Both get a Chinese 422 before any route runs. Bodies that are not JSON, or not valid JSON, pass on to
the route, which answers them with its own Chinese 4xx.

Runs inside the body-size limit, so at most that many bytes are buffered (staff imports are multipart,
not JSON, and are never buffered here)."""

from __future__ import annotations

import json
from email.message import Message
from typing import Optional

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as ASGIMessage

from knowledge.tabular import INVALID_UNICODE, TOO_DEEP, contains_lone_surrogate

METHODS = {"POST", "PUT", "PATCH"}


def is_json(content_type: Optional[bytes]) -> bool:
    """What FastAPI decodes as JSON: no Content-Type, application/json or application/*+json."""
    if not content_type:
        return True
    message = Message()
    message["content-type"] = content_type.decode("latin-1")
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


def problem(body: bytes) -> Optional[str]:
    if not body.strip():
        return None
    try:
        data = json.loads(body)
    except RecursionError:
        return "请求体的 " + TOO_DEEP
    except ValueError:  # not JSON, not UTF-8: the route says so
        return None
    return "请求体" + INVALID_UNICODE if contains_lone_surrogate(data) else None


class JsonTextGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") not in METHODS
            or not is_json(dict(scope.get("headers") or []).get(b"content-type"))
        ):
            return await self.app(scope, receive, send)
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        found = problem(body)
        if found:
            return await JSONResponse({"detail": found}, status_code=422)(scope, receive, send)
        replayed = False

        async def replay() -> ASGIMessage:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
