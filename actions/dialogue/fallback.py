"""The fallback ladder, and 转人工.

When the bot does not understand (low NLU confidence, or a question retrieval cannot answer), each
consecutive miss climbs one step:

    1. one clarifying question — what kind of help, as buttons (and "say it another way");
    2. search results — the closest knowledge-base entries as numbered choices;
    3. 转人工 — the 12345 hotline (and the department's line for the item in context).

The step is kept in the slot `fallback_step` by the turn that missed; a turn that does not miss sets
nothing, so the next miss starts again at step 1.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.dialogue import choices, elder_mode
from actions.dialogue.context import ITEM_SLOT
from actions.resources import knowledge_store, searcher

SLOT = "fallback_step"
CLARIFY, SEARCH_RESULTS, HUMAN = 1, 2, 3
MIN_SEARCH_SCORE = 10.0
SEARCH_CHOICES = 3
# The clarifying question's choices (numbered like every choice, so a typed digit works too).
SERVICES = [
    ("guide", "查办事指南"),
    ("progress", "查办件进度"),
    ("appointment", "预约办理"),
    ("complaint", "投诉建议"),
    ("handoff", "转人工"),
]


def step_of_this_turn(tracker: Tracker) -> int:
    """1 + the step the previous turn set (0 when the previous turn was understood)."""
    seen_current_user = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_current_user:
                break
            seen_current_user = True
        elif seen_current_user and kind == "slot" and event.get("name") == SLOT:
            return int(event.get("value") or 0) + 1
    return CLARIFY


def department_line(tracker: Tracker) -> Optional[str]:
    item_id = tracker.get_slot(ITEM_SLOT)
    item = knowledge_store().get("item", item_id) if item_id else None
    if not item:
        return None
    department = knowledge_store().get("department", item.get("department", "")) or {}
    hotline = item.get("hotline") or department.get("hotline")
    if not hotline or hotline == wording.wording_values()["hotline"]:
        return None
    name = department.get("name") or wording.text("utter_handoff_department_default")
    return wording.text("utter_handoff_department", item=item["name"], department=name, phone=hotline)


def human_handoff(dispatcher: CollectingDispatcher, tracker: Tracker, missed: bool = False) -> None:
    lines = ([wording.text("utter_handoff_missed")] if missed else []) + [wording.text("utter_handoff")]
    extra = department_line(tracker)
    if extra:
        lines.append(extra)
    if elder_mode.is_on(tracker):
        phone = wording.text("utter_handoff_elder_phone")
        text = "\n".join(elder_mode.short_sentences("\n".join(lines)) + [phone])
    else:
        text = "\n".join(lines)
    hotline = wording.wording_values()["hotline"]
    message = {"type": "handoff", "hotline": hotline, "text": text}
    item_id = tracker.get_slot(ITEM_SLOT)
    item = knowledge_store().get("item", item_id) if item_id else None
    if item:  # the gateway routes a live hand-over to the item's department (gateway/live/handover.py)
        message.update(item=item_id, department=item.get("department", ""))
    dispatcher.utter_message(json_message=message, utter_action="utter_handoff")


def search_options(text: str) -> List[choices.Option]:
    hits = [h for h in searcher().search_lexical(text, limit=SEARCH_CHOICES) if h.score >= MIN_SEARCH_SCORE]
    return [choices.Option(f"{h.type}:{h.id}", h.title) for h in hits]


def climb(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict]:
    """One step up the ladder for a turn the bot could not answer; returns the events to return."""
    step = step_of_this_turn(tracker)
    if step == CLARIFY:
        options = [choices.Option(f"service:{key}", title) for key, title in SERVICES]
        elder = elder_mode.is_on(tracker)
        return choices.offer(
            dispatcher,
            wording.text("utter_ask_which_service", elder),
            options,
            {SLOT: CLARIFY},
            "utter_ask_which_service",
        )
    if step == SEARCH_RESULTS:
        options = search_options(tracker.latest_message.get("text") or "")
        if options:
            elder = elder_mode.is_on(tracker)
            return choices.ask(dispatcher, "utter_ask_which_search_result", options, {SLOT: SEARCH_RESULTS}, elder)
    human_handoff(dispatcher, tracker, missed=True)
    return [SlotSet(SLOT, HUMAN), SlotSet(choices.SLOT, None)]


class ActionFallbackLadder(Action):
    def name(self) -> Text:
        return "action_fallback_ladder"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return climb(dispatcher, tracker)


class ActionHumanHandoff(Action):
    def name(self) -> Text:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        human_handoff(dispatcher, tracker)
        return [SlotSet(SLOT, None)]
