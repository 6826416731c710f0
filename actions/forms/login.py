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

The wording is the domain's (bot/domain/forms.yml, utter_login_*); the platform's name and the hotline come
from the profile, never from the code.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.forms.flow_apps import send_flow_app
from actions.forms.slots import form_slots
from actions.platform import submission

PENDING_SLOT = "login_pending"
MAX_AGE_SECONDS = 24 * 3600  # kept business older than this is not resumed
APPOINTMENT, PROGRESS, APPLY = "appointment", "progress", "apply"
COMPLAINT, SUGGESTION, HELP_REQUEST = "complaint", "suggestion", "help_request"  # the work order's kinds


@dataclass(frozen=True)
class Flow:
    """A business that needs the login: the form that carries it and the intent that restarts it; its name
    and why it needs the login are the domain's responses utter_login_flow_<key> / utter_login_reason_<key>."""

    key: str
    form: Optional[str]  # the form restarted after login (None: no form, e.g. 申办)
    intent: str  # the intent that restarts it (the resume button's payload)

    @property
    def what(self) -> str:  # e.g. 预约办理
        return wording.text(f"utter_login_flow_{self.key}")

    @property
    def why(self) -> str:  # completes "因为…"
        return wording.text(f"utter_login_reason_{self.key}")


FLOWS: Dict[str, Flow] = {
    APPOINTMENT: Flow(APPOINTMENT, "appointment_form", "make_appointment"),
    COMPLAINT: Flow(COMPLAINT, "workorder_form", "complaint"),
    SUGGESTION: Flow(SUGGESTION, "workorder_form", "suggestion"),
    HELP_REQUEST: Flow(HELP_REQUEST, "workorder_form", "help_request"),
    PROGRESS: Flow(PROGRESS, "progress_form", "check_progress"),
    APPLY: Flow(APPLY, None, "apply_online"),
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
    if flow not in FLOWS:
        explanation = wording.wording_values()["login_explanation"] or wording.text("utter_login_explanation_default")
        return wording.text("utter_login_needed_general", explanation=explanation)
    spec = FLOWS[flow]
    return wording.text(
        "utter_login_needed",
        what=f"{spec.what}{subject}",
        why=spec.why,
        flow=spec.what,
        kept=wording.text("utter_login_kept") if kept else "",
    )


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
    dispatcher.utter_message(json_message=login_message(ctx, flow, kept, subject), utter_action=login_response(flow))
    title = wording.text("utter_login_resume_button", flow=FLOWS[flow].what)
    wording.say(
        dispatcher, "utter_login_resume_prompt", buttons=[{"title": title, "payload": resume_payload(flow, entities)}]
    )
    if flow in (COMPLAINT, SUGGESTION, HELP_REQUEST):
        send_flow_app(dispatcher, flow)


def login_message(
    ctx: submission.TrackerContext, flow: Optional[str] = None, kept: bool = False, subject: str = ""
) -> Dict[str, Any]:
    url = submission.login_link(ctx)
    text = login_text(flow, kept, subject) + "\n" + wording.text("utter_login_link_line", url=url)
    return {"type": "link", "title": wording.text("utter_login_link_title"), "url": url, "text": text}


def login_response(flow: Optional[str]) -> str:
    return "utter_login_needed" if flow in FLOWS else "utter_login_needed_general"


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
