"""Fault modes, the log of received create requests, and the ASGI middleware applying them.

The middleware sits in front of the whole app. For every HTTP request it:

1. buffers the body, answering 413 when it exceeds ``MAX_BODY_BYTES`` (all paths);
2. records create/cancel requests (method, path, Idempotency-Key, body) in ``FaultState``;
3. for non-exempt paths, sleeps ``delay_seconds`` and, when ``fail_status`` is set, answers
   that status itself without running the app (so nothing is created);
4. otherwise replays the buffered body to the app and notes the status it answered.

Exempt from step 3: ``/healthz``, ``/_control`` and everything below it, and the OpenAPI docs.
"""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Tuple

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import MSG_BAD_CONTENT_LENGTH, MSG_BODY_TOO_LARGE, status_detail

MAX_BODY_BYTES = 64 * 1024

EXEMPT_PATHS = {"/healthz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
CONTROL_PREFIX = "/_control"
CREATE_PATHS = {"/appointments", "/applications", "/workorders", "/evaluations", "/messages"}

_CST = timezone(timedelta(hours=8), "CST")


def is_exempt(path: str) -> bool:
    return path in EXEMPT_PATHS or path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def is_recorded(method: str, path: str) -> bool:
    """Create requests (POST to a collection) and appointment cancels (DELETE)."""
    normalized = path.rstrip("/") or "/"
    if method == "POST":
        return normalized in CREATE_PATHS
    if method == "DELETE":
        return normalized.startswith("/appointments/")
    return False


class FaultState:
    """Mutable, thread-safe settings of the fault modes plus the received-request log."""

    def __init__(self, clock: Optional[Callable[[], datetime]] = None):
        self._lock = threading.Lock()
        self._clock = clock or (lambda: datetime.now(_CST))
        self.delay_seconds = 0.0
        self.fail_status: Optional[int] = None
        self.fail_times: Optional[int] = None
        self._received: List[Dict[str, Any]] = []
        self._seq = 0

    def configure(self, delay_seconds: float, fail_status: Optional[int], fail_times: Optional[int]) -> None:
        with self._lock:
            self.delay_seconds = float(delay_seconds)
            self.fail_status = fail_status
            self.fail_times = fail_times if fail_status is not None else None

    def reset(self) -> None:
        self.configure(0.0, None, None)

    def snapshot(self) -> Dict[str, Any]:
        with self._lock:
            return {"delay_seconds": self.delay_seconds, "fail_status": self.fail_status, "fail_times": self.fail_times}

    def take_fault(self) -> Tuple[float, Optional[int]]:
        """Delay and forced status for one non-control request (consumes one of fail_times)."""
        with self._lock:
            status = self.fail_status
            if status is not None and self.fail_times is not None:
                self.fail_times -= 1
                if self.fail_times <= 0:
                    self.fail_status = None
                    self.fail_times = None
            return self.delay_seconds, status

    def record(self, method: str, path: str, idempotency_key: Optional[str], body: Any) -> Dict[str, Any]:
        now = self._clock()
        if now.tzinfo is None:
            now = now.replace(tzinfo=_CST)
        with self._lock:
            self._seq += 1
            entry = {
                "seq": self._seq,
                "received_at": now.astimezone(_CST).isoformat(timespec="milliseconds"),
                "method": method,
                "path": path,
                "idempotency_key": idempotency_key,
                "body": body,
                "status": None,
            }
            self._received.append(entry)
            return entry

    def set_status(self, entry: Dict[str, Any], status: int) -> None:
        with self._lock:
            entry["status"] = status

    def received(self) -> List[Dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._received]

    def clear_received(self) -> int:
        with self._lock:
            count = len(self._received)
            self._received.clear()
            return count


def _decode_body(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", errors="replace")


def _header(scope: Scope, name: bytes) -> Optional[str]:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _send_json(send: Send, status: int, payload: Dict[str, Any], extra: Optional[Dict[str, str]] = None) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    for key, value in (extra or {}).items():
        headers.append((key.lower().encode("latin-1"), value.encode("latin-1")))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class FaultMiddleware:
    def __init__(self, app: ASGIApp, faults: FaultState, max_body_bytes: int = MAX_BODY_BYTES):
        self.app = app
        self.faults = faults
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        method = scope["method"]
        path = scope["path"]

        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                declared_len = int(declared)
                if declared_len < 0:
                    raise ValueError
            except ValueError:
                await _send_json(send, 400, {"detail": MSG_BAD_CONTENT_LENGTH})
                return
            if declared_len > self.max_body_bytes:
                await _send_json(send, 413, {"detail": MSG_BODY_TOO_LARGE}, {"connection": "close"})
                return

        chunks: List[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await _send_json(send, 413, {"detail": MSG_BODY_TOO_LARGE}, {"connection": "close"})
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)

        entry = None
        if is_recorded(method, path):
            entry = self.faults.record(method, path, _header(scope, b"idempotency-key"), _decode_body(body))

        if not is_exempt(path):
            delay, fail_status = self.faults.take_fault()
            if delay > 0:
                await asyncio.sleep(delay)
            if fail_status is not None:
                if entry is not None:
                    self.faults.set_status(entry, fail_status)
                await _send_json(send, fail_status, {"detail": status_detail(fail_status)})
                return

        replayed = False

        async def replay_receive() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def tracking_send(message: Message) -> None:
            if entry is not None and message["type"] == "http.response.start":
                self.faults.set_status(entry, message["status"])
            await send(message)

        await self.app(scope, replay_receive, tracking_send)
