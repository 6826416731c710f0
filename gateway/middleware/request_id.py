"""The id of the request being served: taken from a well-formed `X-Request-ID` header or made new,
returned in the response header and attached to every log line written while serving it."""

from __future__ import annotations

import contextvars
import re
import uuid
from typing import Optional

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_current: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("request_id", default=None)


def new_request_id(offered: Optional[str] = None) -> str:
    if offered and _VALID.match(offered):
        return offered
    return uuid.uuid4().hex


def current_request_id() -> Optional[str]:
    return _current.get()


def bind(request_id: Optional[str]) -> contextvars.Token:
    return _current.set(request_id)


def unbind(token: contextvars.Token) -> None:
    _current.reset(token)
