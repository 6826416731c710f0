"""What every form shares: the login check before personal operations (keeping what was written over the
login, actions/forms/login.py), cancelling a form, reading the latest message inside a form, and the rules
every form follows for the values the citizen offers:

- every value in a message is taken, whichever slot was asked (each form's `extract_<slot>` looks for its
  own value in every message), and a value is only returned when it changes the slot — so a message that
  answers nothing lets Rasa's unhappy paths (a question in the middle of a form) take over;
- the confirmation of a form (`FormValidator.CONFIRM`) counts only as the reply to the summary: the slot was
  asked, the form itself spoke last, and the same message changed nothing else. "确认" after any other
  question, or "对，改成后天", shows the summary (with the change) again instead of submitting.
"""

from __future__ import annotations

import datetime as dt
import logging
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text, Type
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.dialogue import choices, elder_mode
from actions.dialogue.context import tracker_context
from actions.forms import login
from actions.forms.slots import SET_BEFORE_START, form_slots, required_slots

logger = logging.getLogger(__name__)

LOGGED_IN_SLOT = "logged_in"
REQUESTED = "requested_slot"
ACTION_LISTEN = "action_listen"
# Intents that never answer a form's question: the citizen wants something else (or out).
STOP_INTENTS = {"deny", "human_handoff", "elder_mode", "goodbye", "greet", "bot_challenge"}
AFFIRM, DENY = "affirm", "deny"
# "好的", "对", "确认": a yes, never a place, a content or a comment.
YES_WORDS = {
    "好",
    "好的",
    "好滴",
    "好吧",
    "行",
    "可以",
    "对",
    "对的",
    "是",
    "是的",
    "嗯",
    "嗯嗯",
    "确认",
    "确定",
    "没问题",
    "ok",
    "OK",
}
TIMEZONE = ZoneInfo("Asia/Shanghai")


def cancel_hint(form: str) -> Optional[str]:
    """The response that follows a cancelled form, if any."""
    return "utter_progress_cancel_hint" if form == "progress_form" else None


def ask_confirmation(dispatcher: CollectingDispatcher, tracker: Tracker, form: str, **values: Any) -> None:
    """The summary of what the form collected (utter_ask_<form>_confirm_summary, its elder variation ending with
    the hotline line) with the 确认 / 不要了 buttons (utter_<form>_confirm_button / utter_<form>_cancel_button)."""
    elder = elder_mode.is_on(tracker)
    name = f"utter_ask_{form}_confirm_summary"
    text = wording.text(name, elder, **values)
    buttons = [
        {"title": wording.text(f"utter_{form}_confirm_button"), "payload": "/affirm"},
        {"title": wording.text(f"utter_{form}_cancel_button"), "payload": "/deny"},
    ]
    text = elder_mode.with_hotline([text]) if elder else text
    dispatcher.utter_message(text=text, buttons=buttons, utter_action=name)


def today() -> dt.date:
    return dt.datetime.now(TIMEZONE).date()


def requested(tracker: Tracker) -> Optional[str]:
    return tracker.get_slot(REQUESTED)


def intent_of(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def text_of(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def yes_no(tracker: Tracker) -> Optional[bool]:
    """affirm → True, deny → False, anything else → None."""
    intent = intent_of(tracker)
    return True if intent == AFFIRM else False if intent == DENY else None


def is_just_yes(tracker: Tracker) -> bool:
    """The message is only a yes ("好的", "对", "确认"), which answers no free-text question."""
    text = text_of(tracker).strip("。.!！~～ ")
    return text in YES_WORDS or (intent_of(tracker) == AFFIRM and len(text) <= 4)


def last_action(tracker: Tracker) -> Optional[str]:
    """The last action that ran before the latest message (listening aside): the one whose question the
    message answers."""
    events = tracker.events or []
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    if not users:
        return None
    for event in reversed(events[: users[-1]]):
        if event.get("event") == "action" and event.get("name") not in (None, ACTION_LISTEN):
            return event["name"]
    return None


def reset(form: str) -> List[Dict]:
    return [SlotSet(name, None) for name in form_slots(form)] + [SlotSet(REQUESTED, None), SlotSet(choices.SLOT, None)]


# The forms' validation actions ----------------------------------------------------------------------------

VALIDATORS: Dict[str, Type["FormValidator"]] = {}


class FormValidator(FormValidationAction):
    """A form's validation action. FORM names the form; CONFIRM, if set, is the slot the summary asks."""

    FORM: str = ""
    CONFIRM: Optional[str] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.FORM:
            VALIDATORS[cls.FORM] = cls

    @abstractmethod
    def name(self) -> Text:  # abstract: the action server registers only the forms' own validators
        """validate_<FORM>"""

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> List[Dict[Text, Any]]:
        before = dict(tracker.slots)
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        if not self.CONFIRM:
            return events
        others = set(required_slots(self.FORM)) - {self.CONFIRM}
        changed = any(e["name"] in others and e["value"] != before.get(e["name"]) for e in events)
        if not changed:
            return events
        # A yes said together with a change confirms the old summary, not the new one: show it again.
        return [SlotSet(self.CONFIRM, None) if e["name"] == self.CONFIRM else e for e in events]

    def confirmation(self, tracker: Tracker) -> Dict[Text, Any]:
        """The reply to the summary: yes or no — but only when the summary was the last question."""
        if not self.CONFIRM or requested(tracker) != self.CONFIRM:
            return {}
        answer = yes_no(tracker)
        if answer is None:
            return {}
        if last_action(tracker) != self.FORM:
            # Something else spoke since the summary (an answer, a fallback): a yes is not a confirmation
            # of the form, so the summary is shown again; a no lets the form's "不办了" rule take over.
            return {self.CONFIRM: None} if answer else {}
        return {self.CONFIRM: answer}


async def values_in_message(tracker: Tracker, form: str, domain: Dict) -> Dict[str, Any]:
    """What the latest message says for `form`'s slots, read by the form's own extraction and validation
    (before the form runs: e.g. while the login is still missing). Messages of the validation are dropped."""
    validator = VALIDATORS.get(form)
    if validator is None:
        return {}
    scratch = tracker.copy()
    scratch.slots[REQUESTED] = None
    forms = dict((domain or {}).get("forms") or {})
    forms[form] = {"required_slots": list(required_slots(form))}
    try:
        events = await validator().run(CollectingDispatcher(), scratch, {**(domain or {}), "forms": forms})
    except Exception:  # reading ahead must never break the login reply
        logger.exception("reading the %s's values from the message failed", form)
        return {}
    names = set(form_slots(form))
    return {e["name"]: e["value"] for e in events if e.get("name") in names and e.get("value") is not None}


class ActionCheckLogin(Action):
    """Before a personal operation: logged in (identity token in the message metadata), or the login link
    that says what it is for — and what the citizen wrote is kept, to go on with after the login."""

    def name(self) -> Text:
        return "action_check_login"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ctx = tracker_context(tracker)
        flow = login.INTENT_FLOWS.get(intent_of(tracker) or "")
        form = login.FLOWS[flow].form if flow else None
        if ctx.logged_in:
            events = login.restore(tracker, form) if form else []
            # something was kept for this form (restored now, or still in its slots: a 12345 message's content)
            if form and login.pending_of(tracker, form):
                wording.say(dispatcher, "utter_login_resumed", flow=login.FLOWS[flow].what)
            return events + [SlotSet(LOGGED_IN_SLOT, True)]
        if not form:
            dispatcher.utter_message(json_message=login.login_message(ctx, flow))
            return [SlotSet(LOGGED_IN_SLOT, False)]
        # what the message says, and what was set from it before (e.g. a 12345 message as the content) on top
        values = {**await values_in_message(tracker, form, domain), **login.filled_slots(tracker, form)}
        events = login.keep(tracker, form, values)
        kept = (events[0]["value"] or {}).get("slots", {})
        said = any(name not in SET_BEFORE_START.get(form, ()) for name in kept)
        login.send_login(dispatcher, ctx, flow, kept=said)
        return events + [SlotSet(LOGGED_IN_SLOT, False)]


class ActionCancelForm(Action):
    """The citizen stops a form half-way ("算了", "不办了"): say so and forget what was collected."""

    def name(self) -> Text:
        return "action_cancel_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        form = tracker.active_loop.get("name") if tracker.active_loop else None
        wording.say(dispatcher, "utter_form_cancelled", elder_mode.is_on(tracker))
        hint = cancel_hint(form) if form else None
        if hint:
            wording.say(dispatcher, hint)
        cleared = [SlotSet(login.PENDING_SLOT, None)] if tracker.get_slot(login.PENDING_SLOT) is not None else []
        return (reset(form) if form else [SlotSet(REQUESTED, None)]) + cleared
