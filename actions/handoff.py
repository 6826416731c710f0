"""The dialogue's interface to the platform's application API: what the forms call to actually do things.

Small on purpose — the dialogue only knows these functions and their dataclasses:

    login_link(ctx) -> str
    await available_slots(ctx, item_id, place, date) -> HandoffResult      (data["slots"])
    await book_appointment(ctx, AppointmentRequest) -> HandoffResult       (reference = 预约编号)
    await submit_workorder(ctx, WorkorderRequest) -> HandoffResult         (reference = 工单编号)
    await query_progress(ctx, number) -> HandoffResult                     (data = status and steps)
    await start_application(ctx, item_id, item_name) -> HandoffResult      (reference = 申办编号, data["finish_link"])
    await submit_evaluation(ctx, EvaluationRequest) -> HandoffResult       (reference = 评价编号)
    keep_private(ctx, field, value) / recall_private(ctx, field)           raw values the stored conversation masks

Personal operations need the citizen's identity token (统一身份认证), which the gateway passes with every
message as metadata `identity_token`; without it they return status LOGIN_REQUIRED and the dialogue sends
`login_link` — the bot never asks for a password or a full ID number.

The bodies below call the API directly over httpx; the robust client (retries, idempotency, circuit
breaker, outbox) can replace them without the dialogue changing.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Optional

import httpx

from settings import get_settings

logger = logging.getLogger(__name__)

DONE = "done"
REJECTED = "rejected"  # the platform said no (4xx): tell the citizen why
UNAVAILABLE = "unavailable"  # the platform could not be reached or failed
LOGIN_REQUIRED = "login_required"
NOT_FOUND = "not_found"

LOGIN_URL = "sanjintong://login?from=chatbot"
HOTLINE = "12345"
UNAVAILABLE_MESSAGE = f"办事系统暂时连不上，请稍后再试；急需办理可拨打 {HOTLINE} 政务服务便民热线。"
LOGIN_MESSAGE = "这项业务需要先登录。请点击链接用三晋通账号登录（统一身份认证），登录后再跟我说一次即可。"
TIMEOUT_SECONDS = 8.0
PRIVATE_FILE = "private_session.sqlite3"


@dataclass(frozen=True)
class TrackerContext:
    """Who is asking and through which channel (from the latest user message's metadata and slots)."""

    sender_id: str
    identity_token: Optional[str] = None
    channel: str = "app"
    region: Optional[str] = None
    elder_mode: bool = False

    @property
    def logged_in(self) -> bool:
        return bool(self.identity_token)


@dataclass
class HandoffResult:
    ok: bool
    status: str
    message: str = ""
    reference: Optional[str] = None
    data: Dict[str, Any] = field(default_factory=dict)
    http_status: Optional[int] = None


@dataclass(frozen=True)
class AppointmentRequest:
    item_id: str
    item_name: str
    place: str
    date: str  # YYYY-MM-DD
    slot: str  # e.g. 09:00-10:00
    phone: str  # raw mobile number


@dataclass(frozen=True)
class WorkorderRequest:
    kind: str  # complaint | suggestion
    content: str
    location: Optional[str] = None
    contact_phone: Optional[str] = None


@dataclass(frozen=True)
class EvaluationRequest:
    target_type: str  # conversation | application | appointment
    target_id: str
    rating: int  # 1-5
    comment: Optional[str] = None


def login_link(ctx: TrackerContext) -> str:
    return LOGIN_URL


def idempotency_key(ctx: TrackerContext, kind: str, body: Dict[str, Any]) -> str:
    """The same citizen sending the same request again (a double tap, a retried turn) makes one record."""
    payload = json.dumps({"sender": ctx.sender_id, "kind": kind, "body": body}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def _base_url() -> str:
    return get_settings().application_api_url.rstrip("/")


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    return detail if isinstance(detail, str) and detail else f"办事系统没有受理（{response.status_code}）"


async def _call(method: str, path: str, ctx: Optional[TrackerContext] = None, *, json_body: Optional[Dict] = None,
                params: Optional[Dict] = None, key: Optional[str] = None) -> HandoffResult:
    headers = {}
    if ctx is not None and ctx.identity_token:
        headers["Authorization"] = f"Bearer {ctx.identity_token}"
    if key:
        headers["Idempotency-Key"] = key
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
            response = await client.request(method, _base_url() + path, json=json_body, params=params,
                                            headers=headers)
    except httpx.HTTPError as exc:
        logger.warning("application API %s %s failed: %s", method, path, type(exc).__name__)
        return HandoffResult(False, UNAVAILABLE, UNAVAILABLE_MESSAGE)
    if response.status_code >= 500:
        return HandoffResult(False, UNAVAILABLE, UNAVAILABLE_MESSAGE, http_status=response.status_code)
    if response.status_code == 401:
        return HandoffResult(False, LOGIN_REQUIRED, LOGIN_MESSAGE, http_status=401)
    if response.status_code == 404:
        return HandoffResult(False, NOT_FOUND, _detail(response), http_status=404)
    if response.status_code >= 400:
        return HandoffResult(False, REJECTED, _detail(response), http_status=response.status_code)
    return HandoffResult(True, DONE, data=response.json(), http_status=response.status_code)


def _needs_login(ctx: TrackerContext) -> Optional[HandoffResult]:
    return None if ctx.logged_in else HandoffResult(False, LOGIN_REQUIRED, LOGIN_MESSAGE)


async def available_slots(ctx: TrackerContext, item_id: str, place: str, date: str) -> HandoffResult:
    result = await _call("GET", "/appointments/slots", params={"item_id": item_id, "place": place, "date": date})
    if result.ok:
        result.data = {"slots": result.data.get("slots", [])}
    return result


async def book_appointment(ctx: TrackerContext, form: AppointmentRequest) -> HandoffResult:
    missing = _needs_login(ctx)
    if missing:
        return missing
    body = asdict(form)
    result = await _call("POST", "/appointments", ctx, json_body=body, key=idempotency_key(ctx, "appointment", body))
    if result.ok:
        result.reference = result.data.get("appointment_id")
    return result


async def submit_workorder(ctx: TrackerContext, form: WorkorderRequest) -> HandoffResult:
    missing = _needs_login(ctx)
    if missing:
        return missing
    body = {k: v for k, v in asdict(form).items() if v not in (None, "")}
    result = await _call("POST", "/workorders", ctx, json_body=body, key=idempotency_key(ctx, "workorder", body))
    if result.ok:
        result.reference = result.data.get("workorder_no")
    return result


_PROGRESS_PATHS = {"SX": "/applications/{}", "GD": "/workorders/{}", "YY": "/appointments/{}"}
_NUMBER = re.compile(r"^(SX|GD|YY)\d{13}$")


async def query_progress(ctx: TrackerContext, number: str) -> HandoffResult:
    """Status of an application (SX…), a 12345 work order (GD…) or an appointment (YY…)."""
    number = (number or "").strip().upper()
    if not _NUMBER.match(number):
        return HandoffResult(False, REJECTED, "编号格式不对，应为字母加 13 位数字，例如 SX2026112300001。")
    result = await _call("GET", _PROGRESS_PATHS[number[:2]].format(number), ctx)
    if result.ok:
        result.reference = number
    elif result.status == NOT_FOUND:
        result.message = f"没有查到编号为 {number} 的办件，请核对编号。"
    return result


async def start_application(ctx: TrackerContext, item_id: str, item_name: str) -> HandoffResult:
    """An application draft with the applicant's fields prefilled from the identity profile."""
    missing = _needs_login(ctx)
    if missing:
        return missing
    profile = await _call("GET", "/auth/me", ctx)
    if not profile.ok:
        return profile
    form = {"申请人姓名": profile.data.get("name"), "联系电话": profile.data.get("phone")}
    body = {"item_id": item_id, "item_name": item_name, "form": form}
    result = await _call("POST", "/applications", ctx, json_body=body, key=idempotency_key(ctx, "application", body))
    if result.ok:
        result.reference = result.data.get("application_no")
        result.data = {"finish_link": result.data.get("finish_link"), "status": result.data.get("status")}
    return result


async def submit_evaluation(ctx: TrackerContext, form: EvaluationRequest) -> HandoffResult:
    missing = _needs_login(ctx)
    if missing:
        return missing
    body = {k: v for k, v in asdict(form).items() if v not in (None, "")}
    result = await _call("POST", "/evaluations", ctx, json_body=body, key=idempotency_key(ctx, "evaluation", body))
    if result.ok:
        result.reference = result.data.get("evaluation_id")
    return result


# Raw values (a phone number) that the stored conversation keeps only masked -------------------------

@functools.lru_cache(maxsize=1)
def _private_store():
    from identity.session_store import PrivateSessionStore

    settings = get_settings()
    return PrivateSessionStore(settings.redis_url, settings.data_dir / PRIVATE_FILE)


def keep_private(ctx: TrackerContext, name: str, value: str) -> None:
    _private_store().set(ctx.sender_id, name, value)


def recall_private(ctx: TrackerContext, name: str) -> Optional[str]:
    return _private_store().get(ctx.sender_id, name)


__all__ = ["TrackerContext", "HandoffResult", "AppointmentRequest", "WorkorderRequest", "EvaluationRequest",
           "login_link", "available_slots", "book_appointment", "submit_workorder", "query_progress",
           "start_application", "submit_evaluation", "keep_private", "recall_private", "idempotency_key",
           "DONE", "REJECTED", "UNAVAILABLE", "LOGIN_REQUIRED", "NOT_FOUND"]
