"""What every form shares: the login check before personal operations, cancelling a form, and small
helpers for reading the latest message inside a form."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dialogue import choices
from actions.dialogue.context import tracker_context
from actions.forms.apply_online import login_message
from actions.forms.slots import form_slots
from actions.platform import submission

LOGGED_IN_SLOT = "logged_in"
REQUESTED = "requested_slot"
# Intents that never answer a form's question: the citizen wants something else (or out).
STOP_INTENTS = {"deny", "human_handoff", "elder_mode", "goodbye", "greet", "bot_challenge"}
AFFIRM, DENY = "affirm", "deny"
TIMEZONE = ZoneInfo("Asia/Shanghai")

CANCEL_HINTS = {"progress_form": "不知道编号的话，可以登录三晋通，在“我的办件”里查看全部办件。"}


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


def reset(form: str) -> List[Dict]:
    return [SlotSet(name, None) for name in form_slots(form)] + [SlotSet(REQUESTED, None), SlotSet(choices.SLOT, None)]


class ActionCheckLogin(Action):
    """Before a personal operation: logged in (identity token in the message metadata) or the login link."""

    def name(self) -> Text:
        return "action_check_login"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ctx = tracker_context(tracker)
        if ctx.logged_in:
            return [SlotSet(LOGGED_IN_SLOT, True)]
        dispatcher.utter_message(json_message=login_message(ctx, submission.LOGIN_MESSAGE))
        return [SlotSet(LOGGED_IN_SLOT, False)]


class ActionCancelForm(Action):
    """The citizen stops a form half-way ("算了", "不办了"): say so and forget what was collected."""

    def name(self) -> Text:
        return "action_cancel_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        form = tracker.active_loop.get("name") if tracker.active_loop else None
        dispatcher.utter_message(response="utter_form_cancelled")
        if form in CANCEL_HINTS:
            dispatcher.utter_message(text=CANCEL_HINTS[form])
        return reset(form) if form else [SlotSet(REQUESTED, None)]
