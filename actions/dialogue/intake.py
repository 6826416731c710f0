"""12345 intake in the dialogue: a complaint, a request for help or a suggestion that already says what happened
("领导您好，我们小区……") becomes the work order's content before the form starts, so the form never asks for it
again — also when the citizen must log in first (the slot keeps what was written). A request for help is sent
to 12345 as a work order too (its kind `help_request`); it is told first to call 110/119/120 when in danger.

Which messages are which is decided by the NLU (nlu/intake.py, nlu/evidence.py); see docs/nlu.md “12345 分流”.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.dialogue import elder_mode

CONTENT_SLOT = "workorder_content"
KIND_SLOT = "workorder_kind"
HELP_REQUEST = "help_request"
MAX_CONTENT_CHARS = 2000  # what the platform accepts for a work order's content
# What only asks to start ("我要投诉", "提个建议", "求助") and says nothing of what happened.
TRIGGER_WORDS = re.compile(
    r"我要|我想|想要|要|投诉|投訴|举报|反映|反应|提个?|一个|一条|建议|意见|求助|帮帮我|帮帮忙|救救|一下|下|个|给|你们|政府|\W"
)
MIN_CONTENT_CHARS = 6


def content_of(text: str) -> str:
    """The message as the work order's content, or "" when it only asks to start one."""
    text = (text or "").strip()
    if text.startswith("/"):
        return ""  # a button's payload ("/complaint"), not what happened
    return text[:MAX_CONTENT_CHARS] if len(TRIGGER_WORDS.sub("", text)) >= MIN_CONTENT_CHARS else ""


class ActionIntakePrefill(Action):
    def name(self) -> Text:
        return "action_intake_prefill"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        events: List[Dict[Text, Any]] = []
        if intent == HELP_REQUEST:
            wording.say(dispatcher, "utter_help_request_received", elder_mode.is_on(tracker))
            events.append(SlotSet(KIND_SLOT, HELP_REQUEST))
        content = content_of(tracker.latest_message.get("text") or "")
        if content:
            events.append(SlotSet(CONTENT_SLOT, content))
        return events
