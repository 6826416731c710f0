"""Client of the platform's application API (预约、申办、办件进度、12345 工单、好差评).

- Every call has a timeout.
- Reads, and creates that carry an Idempotency-Key (so a repeat cannot create twice), are retried a
  bounded number of times with exponential backoff on connection errors, timeouts and 5xx.
- A circuit breaker stops calling a failing API for a while.
- Errors come out as two kinds: `SubmissionRejected` (the platform said no: 4xx such as a booked-out
  slot — tell the citizen why) and `PlatformUnavailable` (down, slow, 5xx, circuit open — keep the
  request in the outbox and deliver it later).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Dict, Optional

import httpx

from actions import wording
from actions.platform.circuit_breaker import CircuitBreaker, CircuitOpen

logger = logging.getLogger(__name__)

RETRY_STATUSES = {500, 502, 503, 504}
RECORD_PATHS = {"application": "/applications", "workorder": "/workorders", "appointment": "/appointments"}


class SubmissionError(Exception):
    def __init__(self, message: str, status: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class SubmissionRejected(SubmissionError):
    """The platform refused the request (4xx): the citizen must change something."""


class PlatformUnavailable(SubmissionError):
    """The platform could not be reached or failed (timeout, 5xx, circuit open)."""


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class ApplicationApiClient:
    def __init__(
        self,
        base_url: str,
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.2,
        breaker: Optional[CircuitBreaker] = None,
        transport: Optional[httpx.AsyncBaseTransport] = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.breaker = breaker or CircuitBreaker()
        self._transport = transport

    async def _request(
        self,
        method: str,
        path: str,
        *,
        token: Optional[str] = None,
        json: Optional[Dict[str, Any]] = None,
        params: Optional[Dict[str, Any]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Dict[str, Any]:
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        safe_to_repeat = method == "GET" or idempotency_key is not None
        attempts = 1 + (self.retries if safe_to_repeat else 0)
        last: Optional[PlatformUnavailable] = None
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(self.backoff * (2 ** (attempt - 1)))
            try:
                self.breaker.before_call()
            except CircuitOpen as exc:
                raise PlatformUnavailable(str(exc)) from exc
            try:
                async with httpx.AsyncClient(timeout=self.timeout, transport=self._transport) as client:
                    response = await client.request(
                        method, self.base_url + path, headers=headers, json=json, params=params
                    )
            except httpx.HTTPError as exc:
                self.breaker.record_failure()
                last = PlatformUnavailable(f"平台办事接口无法连接（{type(exc).__name__}）")
                continue
            if response.status_code in RETRY_STATUSES:
                self.breaker.record_failure()
                last = PlatformUnavailable(f"平台办事接口暂时不可用（{response.status_code}）", response.status_code)
                continue
            self.breaker.record_success()
            if response.status_code >= 400:
                raise SubmissionRejected(_detail(response), response.status_code)
            return response.json()
        assert last is not None
        raise last

    # identity -------------------------------------------------------------------------------
    async def profile(self, token: str) -> Dict[str, Any]:
        return await self._request("GET", "/auth/me", token=token)

    # appointments ---------------------------------------------------------------------------
    async def slots(self, item_id: str, place: str, date: str) -> Dict[str, Any]:
        return await self._request(
            "GET", "/appointments/slots", params={"item_id": item_id, "place": place, "date": date}
        )

    async def create_appointment(self, token: str, body: Dict[str, Any], idempotency_key: str) -> Dict[str, Any]:
        return await self._request("POST", "/appointments", token=token, json=body, idempotency_key=idempotency_key)

    # applications ---------------------------------------------------------------------------
    async def create_application(self, token: str, body: Dict[str, Any], idempotency_key: str) -> Dict[str, Any]:
        return await self._request("POST", "/applications", token=token, json=body, idempotency_key=idempotency_key)

    # any record's status (办件进度) --------------------------------------------------------------
    async def record(self, kind: str, number: str, token: Optional[str] = None) -> Dict[str, Any]:
        """An application, work order or appointment by its number (404 when there is none)."""
        return await self._request("GET", f"{RECORD_PATHS[kind]}/{number}", token=token)

    # 12345 work orders ----------------------------------------------------------------------
    async def create_workorder(self, token: str, body: Dict[str, Any], idempotency_key: str) -> Dict[str, Any]:
        return await self._request("POST", "/workorders", token=token, json=body, idempotency_key=idempotency_key)

    # evaluations ------------------------------------------------------------------------------
    async def create_evaluation(self, token: str, body: Dict[str, Any], idempotency_key: str) -> Dict[str, Any]:
        return await self._request("POST", "/evaluations", token=token, json=body, idempotency_key=idempotency_key)


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    if isinstance(detail, str) and detail:
        return detail
    return wording.text("utter_platform_refused", status=response.status_code)
