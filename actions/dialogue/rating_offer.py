"""好差评 offered at the end of an answered conversation: when the citizen says thanks or goodbye after at
least one answer from the knowledge base in this session, and has neither rated nor been offered a rating
in it, a buttons message 好评 / 中评 / 差评 follows the reply. A tap sends `/evaluate{"number": "5"}` (4 … 1),
which starts the 好差评 form with the rating filled (actions/forms/evaluation.py): the optional comment, then the
submission to the application API and the staff statistics. Typed "好评/中评/差评" or a score work too."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.answers.extras import answers_in_session, session_events
from actions.dialogue import choices, render

LEVELS = [("好评", 5), ("中评", 3), ("差评", 1)]
PAYLOAD_PREFIX = "/evaluate"
EVALUATION_ACTIONS = {"evaluation_form", "action_submit_evaluation"}


def rating_payload(score: int) -> str:
    return PAYLOAD_PREFIX + json.dumps({"number": str(score)}, ensure_ascii=False)


def offer_message() -> Dict:
    """The 好评 / 中评 / 差评 buttons; the text's last lines say what to reply on a text-only channel (also used
    after a submission: appointment, 申办, 12345)."""
    choices_lines = [wording.text("utter_rating_offer_choice", level=title) for title, _ in LEVELS]
    lines = [wording.text("utter_rating_offer")] + choices_lines
    return render.buttons_message("\n".join(lines), [{"title": t, "payload": rating_payload(n)} for t, n in LEVELS])


def _is_offer(event: Dict) -> bool:
    if event.get("event") != "bot":
        return False
    custom = (event.get("data") or {}).get("custom")
    buttons = custom.get("buttons") if isinstance(custom, dict) else None
    return any(str(b.get("payload", "")).startswith(PAYLOAD_PREFIX) for b in buttons or [])


def offered_or_rated(tracker: Tracker) -> bool:
    """A rating was offered (here or after a submission) or given in this session."""
    for event in session_events(tracker):
        if event.get("event") == "action" and event.get("name") in EVALUATION_ACTIONS:
            return True
        if _is_offer(event):
            return True
    return False


class ActionOfferRating(Action):
    def name(self) -> Text:
        return "action_offer_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if answers_in_session(tracker) == 0 or offered_or_rated(tracker):
            return []
        dispatcher.utter_message(json_message=offer_message())
        return [SlotSet(choices.SLOT, None)]  # the conversation is ending: older lists are closed
