"""When a business needs the citizen's login: what the bot says, what it keeps, and how the flow goes on.

Login happens outside the chat: the citizen opens the login link (统一身份认证) in the app, and from then on
the gateway sends the identity token with every message. So the chat itself has to carry the business over
the round-trip:

- the message says which business needs the login and why (to book in your name, to look up YOUR
  applications, ...), that what was written is kept, and always names the 12345 hotline for those who
  cannot log in;
- what was written is kept in the slot `login_pending` (the form's filled slots, or what the latest
  message said); the raw phone number stays in the private session store as always;
- a button "我已登录，继续…" restarts the same business (its payload is the business's intent, with the kept
  number or item where the business reads it from the message); `action_check_login` then puts the kept
  slots back and the form goes on from where it was — the confirmation is always asked again.

This module is the one place of the login wording. The platform's name comes from the profile
(submission.platform_name), never from the code.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms.slots import form_slots
from actions.platform import submission

PENDING_SLOT = "login_pending"
MAX_AGE_SECONDS = 24 * 3600  # kept business older than this is not resumed
APPOINTMENT, PROGRESS, APPLY = "appointment", "progress", "apply"
COMPLAINT, SUGGESTION, HELP_REQUEST = "complaint", "suggestion", "help_request"  # the work order's kinds


@dataclass(frozen=True)
class Flow:
    """A business that needs the login: its name, why it needs the login, the form that carries it."""

    what: str  # e.g. 预约
    why: str  # completes "因为…"
    form: Optional[str]  # the form restarted after login (None: no form, e.g. 申办)
    intent: str  # the intent that restarts it (the resume button's payload)


FLOWS: Dict[str, Flow] = {
    APPOINTMENT: Flow(
        "预约办理", "预约要用您的实名身份排号，预约结果也会记在您的名下", "appointment_form", "make_appointment"
    ),
    COMPLAINT: Flow(
        "投诉", "投诉要以您的名义提交到 12345，承办单位办完会把结果答复给您本人", "workorder_form", "complaint"
    ),
    SUGGESTION: Flow(
        "提建议", "建议要以您的名义提交到 12345，承办单位会把采纳情况答复给您本人", "workorder_form", "suggestion"
    ),
    HELP_REQUEST: Flow(
        "求助",
        "求助要以您的名义转到 12345，承办单位要能联系到您本人、把办理结果告诉您",
        "workorder_form",
        "help_request",
    ),
    PROGRESS: Flow(
        "查询办件进度", "只有登录后才能查到您本人的办件，别人查不到您的信息", "progress_form", "check_progress"
    ),
    APPLY: Flow("网上申办", "申请表要按您的实名信息预填，申请也要记在您的名下", None, "apply_online"),
}
FORM_FLOWS = {"appointment_form": APPOINTMENT, "progress_form": PROGRESS}
INTENT_FLOWS = {flow.intent: key for key, flow in FLOWS.items()}


def flow_for_form(form: str, tracker: Optional[Tracker] = None) -> str:
    if form == "workorder_form":
        kind = tracker.get_slot("workorder_kind") if tracker else None
        return kind if kind in (SUGGESTION, HELP_REQUEST) else COMPLAINT
    return FORM_FLOWS.get(form, APPOINTMENT)


def login_text(flow: Optional[str], kept: bool = False, subject: str = "") -> str:
    """What the citizen reads: which business, why it needs the login, what happens to what was written, and
    the 12345 hotline for those who cannot log in. Without a flow (a caller that does not say which business):
    the same, in general words."""
    platform = submission.platform_name()
    if flow not in FLOWS:
        return "\n".join(
            [
                f"这项业务要以您本人的身份办理，需要先登录{platform}（统一身份认证）。",
                "请点击下面的链接登录，登录后再跟我说一次要办的事即可。",
                f"不方便登录的话，可以拨打 {submission.HOTLINE} 政务服务便民热线，由话务员帮您办理。",
            ]
        )
    spec = FLOWS[flow]
    what = f"{spec.what}{subject}"
    lines = [
        f"{what}需要先登录{platform}（统一身份认证），因为{spec.why}。",
        ("您刚才说的内容我都记下了，" if kept else "")
        + f"请点击下面的链接登录，登录后点“我已登录，继续{spec.what}”，接着办，不用重新说一遍。",
        f"不方便登录的话，可以拨打 {submission.HOTLINE} 政务服务便民热线，由话务员帮您办理。",
    ]
    return "\n".join(lines)


def resume_payload(flow: str, entities: Optional[Dict[str, str]] = None) -> str:
    intent = FLOWS[flow].intent
    return "/" + intent + (json.dumps(entities, ensure_ascii=False) if entities else "")


def send_login(
    dispatcher: CollectingDispatcher,
    ctx: submission.TrackerContext,
    flow: str,
    kept: bool = False,
    subject: str = "",
    entities: Optional[Dict[str, str]] = None,
) -> None:
    """The login link (first, with the whole explanation), then the button that goes on after login."""
    dispatcher.utter_message(json_message=login_message(ctx, flow, kept, subject))
    spec = FLOWS[flow]
    dispatcher.utter_message(
        text="登录好了请点这里：",
        buttons=[{"title": f"我已登录，继续{spec.what}", "payload": resume_payload(flow, entities)}],
    )


def login_message(
    ctx: submission.TrackerContext, flow: Optional[str] = None, kept: bool = False, subject: str = ""
) -> Dict[str, Any]:
    url = submission.login_link(ctx)
    text = login_text(flow, kept, subject)
    return {"type": "link", "title": f"登录{submission.platform_name()}", "url": url, "text": f"{text}\n登录：{url}"}


# What was written, kept over the login ---------------------------------------------------------------


def pending_of(tracker: Tracker, form: str) -> Dict[str, Any]:
    """The slots kept for `form` before a login (none when nothing was kept, it is too old, or it was kept
    for another form)."""
    pending = tracker.get_slot(PENDING_SLOT)
    if not isinstance(pending, dict) or pending.get("form") != form:
        return {}
    if time.time() - float(pending.get("at") or 0) > MAX_AGE_SECONDS:
        return {}
    slots = pending.get("slots")
    return dict(slots) if isinstance(slots, dict) else {}


def keep(tracker: Tracker, form: str, values: Dict[str, Any]) -> List[Dict]:
    """Keeps `values` (slots of `form`; the confirmation never) over the login, on top of what was kept
    before for the same form."""
    names = set(form_slots(form))
    kept = {**pending_of(tracker, form)}
    kept.update({k: v for k, v in values.items() if k in names and v is not None and not is_confirmation(k)})
    if not kept:
        return [SlotSet(PENDING_SLOT, None)]
    return [SlotSet(PENDING_SLOT, {"form": form, "slots": kept, "at": time.time()})]


def restore(tracker: Tracker, form: str) -> List[Dict]:
    """After login: the kept slots back, and the kept record cleared. A value the citizen typed since wins;
    after the resume button (a payload, which says nothing new) the kept values win."""
    kept = pending_of(tracker, form)
    tapped = (tracker.latest_message.get("text") or "").startswith("/")
    events = [
        SlotSet(name, value)
        for name, value in kept.items()
        if tracker.get_slot(name) != value and (tapped or tracker.get_slot(name) is None)
    ]
    return events + [SlotSet(PENDING_SLOT, None)] if tracker.get_slot(PENDING_SLOT) is not None else events


def filled_slots(tracker: Tracker, form: str) -> Dict[str, Any]:
    return {name: tracker.get_slot(name) for name in form_slots(form) if tracker.get_slot(name) is not None}


def is_confirmation(slot: str) -> bool:
    return slot.endswith("_confirm")


__all__ = [
    "FLOWS",
    "INTENT_FLOWS",
    "PENDING_SLOT",
    "filled_slots",
    "flow_for_form",
    "keep",
    "login_message",
    "login_text",
    "pending_of",
    "restore",
    "send_login",
]
