"""The dialogue's interface to the platform's application API: what the forms call to actually do things.

Small on purpose — the dialogue only knows these functions and their dataclasses:

    login_link(ctx) -> str
    await available_slots(ctx, item_id, place, date) -> SubmissionResult      (data["slots"])
    await book_appointment(ctx, AppointmentRequest) -> SubmissionResult       (reference = 预约编号)
    await submit_workorder(ctx, WorkorderRequest) -> SubmissionResult         (reference = 工单编号)
    await query_progress(ctx, number) -> SubmissionResult                     (data = status and steps)
    await start_application(ctx, item_id, item_name) -> SubmissionResult
                                                           (reference = 申办编号, data["finish_link"])
    await submit_evaluation(ctx, EvaluationRequest) -> SubmissionResult       (reference = 评价编号)
    keep_private(ctx, field, value) / recall_private(ctx, field)           raw values the stored conversation masks

Personal operations need the citizen's identity token (统一身份认证), which the gateway passes with every
message as metadata `identity_token`; without it they return status LOGIN_REQUIRED and the dialogue sends
`login_link` with what the login is for, keeping what was written (actions/forms/login.py, docs/forms.md) —
the bot never asks for a password or a full ID number. An anonymous (or expired) 好差评 still counts.

Creates (appointment, application, work order, evaluation) go through the durable outbox
(actions/platform/outbox.py): stored before the first call, sent with an idempotency key, and — if the platform is
down or slow — kept and delivered later by the outbox worker (status QUEUED: the citizen is told so and
need not send again). Reads go through the robust client (actions/platform/application_api.py): timeouts,
bounded retries, circuit breaker.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Awaitable, Dict, Optional

from actions import wording
from actions.background import in_background
from actions.platform import outbox as outbox_module
from actions.platform.application_api import PlatformUnavailable, SubmissionRejected
from actions.platform.profile import profile_text
from actions.platform.resources import application_api_client, outbox
from settings import get_settings

logger = logging.getLogger(__name__)

DONE = "done"
QUEUED = "queued"  # kept in the outbox: delivered automatically when the platform is back
REJECTED = "rejected"  # the platform said no (4xx): tell the citizen why
UNAVAILABLE = "unavailable"  # the platform could not be reached or failed
LOGIN_REQUIRED = "login_required"
NOT_FOUND = "not_found"

PRIVATE_FILE = "private_session.sqlite3"
# A request the platform refused may be sent again (after a new login, or when the refusal was passing):
# each resend gets the next key, because the platform replays its first answer for a key it has seen.
MAX_RESENDS = 5


def unavailable_message() -> str:
    return wording.text("utter_platform_unavailable")


def login_required_message() -> str:
    """The reason a LOGIN_REQUIRED result carries. The dialogue never shows it alone: actions/forms/login.py
    says which business needs the login, why, what was kept, and how to go on."""
    return wording.text("utter_submission_login_required")


def queued_message(kind: str) -> str:
    return wording.text("utter_submission_queued", kind=wording.text(f"utter_submission_kind_{kind}"))


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
class SubmissionResult:
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
    """The platform's unified-identity login link (the profile's `login_link`)."""
    return profile_text("login_link")


def idempotency_key(ctx: TrackerContext, kind: str, body: Dict[str, Any], resend: int = 0) -> str:
    """The same citizen sending the same request again (a double tap, a retried turn) makes one record."""
    payload = json.dumps(
        {"sender": ctx.sender_id, "kind": kind, "body": body, "resend": resend}, ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def _refused(exc: SubmissionRejected) -> SubmissionResult:
    if exc.status == 401:
        return SubmissionResult(False, LOGIN_REQUIRED, login_required_message(), http_status=401)
    if exc.status == 404:
        return SubmissionResult(False, NOT_FOUND, exc.message, http_status=404)
    return SubmissionResult(False, REJECTED, exc.message, http_status=exc.status)


async def _read(call: Awaitable[Dict[str, Any]], what: str) -> SubmissionResult:
    """A read through the robust client (retried, behind the circuit breaker)."""
    try:
        return SubmissionResult(True, DONE, data=await call)
    except SubmissionRejected as exc:
        return _refused(exc)
    except PlatformUnavailable as exc:
        logger.warning("application API read %s failed: %s", what, exc.message)
        return SubmissionResult(False, UNAVAILABLE, unavailable_message())


def _free_key(ctx: TrackerContext, kind: str, body: Dict[str, Any]) -> str:
    """The key of this request: the same as before unless the platform refused it before."""
    box = outbox()
    for resend in range(MAX_RESENDS):
        key = idempotency_key(ctx, kind, body, resend)
        entry = box.get(key)
        if entry is None or entry.status != outbox_module.REJECTED:
            return key
    return key


async def _create(ctx: TrackerContext, kind: str, body: Dict[str, Any], reference_field: str) -> SubmissionResult:
    """Stores the request in the outbox, then sends it: delivered, queued for later, or refused."""
    if not ctx.logged_in:
        return SubmissionResult(False, LOGIN_REQUIRED, login_required_message())
    try:
        key = await asyncio.to_thread(_free_key, ctx, kind, body)
        outcome = await outbox_module.submit(
            outbox(), application_api_client(), kind, ctx.sender_id[:64], ctx.identity_token, body, key
        )
    except Exception:  # the outbox's own database failed: nothing was stored, so say so plainly
        logger.exception("the submission outbox failed for a %s", kind)
        return SubmissionResult(False, UNAVAILABLE, unavailable_message())
    if outcome.status in ("delivered", "queued") and not outcome.repeated:
        record_stats(ctx, kind, body)
    if outcome.status == "delivered":
        data = outcome.result or {}
        return SubmissionResult(True, DONE, reference=data.get(reference_field), data=data)
    if outcome.status == "queued":
        return SubmissionResult(False, QUEUED, queued_message(kind), data={"key": key})
    return _refused(
        SubmissionRejected(outcome.reason or wording.text("utter_submission_not_accepted"), outcome.http_status)
    )


def record_stats(ctx: TrackerContext, kind: str, body: Dict[str, Any]) -> None:
    """Counts a submission — or, for an evaluation, the rating — in the staff's statistics (in a worker
    thread: it never delays or breaks the reply)."""
    from actions.resources import knowledge_store
    from knowledge import feedback

    def write() -> None:
        if kind == "evaluation":
            feedback.record_rating(
                knowledge_store(),
                int(body["rating"]),
                entry=body["target_type"],
                channel=ctx.channel,
                comment=body.get("comment") or "",
            )
        else:
            feedback.record_submission(knowledge_store(), kind, channel=ctx.channel)

    in_background(write, f"recording the {kind} in the statistics")


async def available_slots(ctx: TrackerContext, item_id: str, place: str, date: str) -> SubmissionResult:
    result = await _read(application_api_client().slots(item_id, place, date), "slots")
    if result.ok:
        result.data = {"slots": result.data.get("slots", [])}
    return result


async def book_appointment(ctx: TrackerContext, form: AppointmentRequest) -> SubmissionResult:
    return await _create(ctx, "appointment", asdict(form), "appointment_id")


async def submit_workorder(ctx: TrackerContext, form: WorkorderRequest) -> SubmissionResult:
    body = {k: v for k, v in asdict(form).items() if v not in (None, "")}
    return await _create(ctx, "workorder", body, "workorder_no")


_PROGRESS_KINDS = {"SX": "application", "GD": "workorder", "YY": "appointment"}
_NUMBER = re.compile(r"^(SX|GD|YY)\d{13}$")


async def query_progress(ctx: TrackerContext, number: str) -> SubmissionResult:
    """Status of an application (SX…), a 12345 work order (GD…) or an appointment (YY…)."""
    number = (number or "").strip().upper()
    if not _NUMBER.match(number):
        return SubmissionResult(False, REJECTED, wording.text("utter_progress_number_malformed"))
    call = application_api_client().record(_PROGRESS_KINDS[number[:2]], number, ctx.identity_token)
    result = await _read(call, "progress")
    if result.ok:
        result.reference = number
    elif result.status == NOT_FOUND:
        # The platform answers a number of someone else's record as if it did not exist: so do we.
        result.message = wording.text("utter_progress_not_found", number=number)
    return result


async def start_application(ctx: TrackerContext, item_id: str, item_name: str) -> SubmissionResult:
    """An application draft with the applicant's fields prefilled from the identity profile (only the
    fields the form needs: name and phone)."""
    if not ctx.logged_in:
        return SubmissionResult(False, LOGIN_REQUIRED, login_required_message())
    profile = await _read(application_api_client().profile(ctx.identity_token), "profile")
    if not profile.ok:
        return profile
    form = {"申请人姓名": profile.data.get("name"), "联系电话": profile.data.get("phone")}
    body = {"item_id": item_id, "item_name": item_name, "form": form}
    result = await _create(ctx, "application", body, "application_no")
    if result.ok:
        result.data = {"finish_link": result.data.get("finish_link"), "status": result.data.get("status")}
    return result


async def submit_evaluation(ctx: TrackerContext, form: EvaluationRequest) -> SubmissionResult:
    """好差评: to the platform when the citizen is logged in; an anonymous rating still reaches the staff's
    statistics (asking an older citizen to log in just to say 满意 would lose most ratings)."""
    body = {k: v for k, v in asdict(form).items() if v not in (None, "")}
    if not ctx.logged_in:
        record_stats(ctx, "evaluation", body)
        return SubmissionResult(True, DONE, data={"statistics_only": True})
    result = await _create(ctx, "evaluation", body, "evaluation_id")
    if result.status == LOGIN_REQUIRED:  # the login expired meanwhile: the rating is kept, as an anonymous one
        record_stats(ctx, "evaluation", body)
        return SubmissionResult(True, DONE, data={"statistics_only": True})
    return result


# Raw values (a phone number) that the stored conversation keeps only masked -------------------------


@functools.lru_cache(maxsize=1)
def _private_store():
    from privacy.session_store import PrivateSessionStore

    settings = get_settings()
    return PrivateSessionStore(settings.redis_url, settings.data_dir / PRIVATE_FILE)


def keep_private(ctx: TrackerContext, name: str, value: str) -> None:
    _private_store().set(ctx.sender_id, name, value)


def recall_private(ctx: TrackerContext, name: str) -> Optional[str]:
    return _private_store().get(ctx.sender_id, name)


__all__ = [
    "TrackerContext",
    "SubmissionResult",
    "AppointmentRequest",
    "WorkorderRequest",
    "EvaluationRequest",
    "login_link",
    "available_slots",
    "book_appointment",
    "submit_workorder",
    "query_progress",
    "start_application",
    "submit_evaluation",
    "keep_private",
    "recall_private",
    "idempotency_key",
    "DONE",
    "QUEUED",
    "REJECTED",
    "UNAVAILABLE",
    "LOGIN_REQUIRED",
    "NOT_FOUND",
]
