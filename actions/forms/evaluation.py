"""好差评 form for the conversation: a rating (1–5, or 好/中/差 in words) and an optional comment, then the
submission to the application API's evaluations."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.dialogue.context import entity_values, tracker_context
from actions.forms.apply_online import login_message
from actions.forms.common import STOP_INTENTS, intent_of, requested, reset, text_of
from actions.platform import submission

FORM = "evaluation_form"
RATING, COMMENT = "rating", "rating_comment"
NO_COMMENT = "无"
LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
# Words → rating, longest first so "非常不满意" is not read as "满意".
RATING_WORDS = [
    ("非常不满意", 1),
    ("很不满意", 1),
    ("非常满意", 5),
    ("很满意", 5),
    ("基本满意", 3),
    ("不满意", 2),
    ("不太好", 2),
    ("不好", 2),
    ("差评", 1),
    ("很差", 1),
    ("太差", 1),
    ("好评", 5),
    ("满意", 4),
    ("中评", 3),
    ("一般", 3),
    ("还行", 3),
    ("凑合", 3),
    ("不错", 4),
    ("很好", 5),
    ("好", 5),
    ("中", 3),
    ("差", 1),
]
NO_COMMENT_WORDS = ("没有", "没了", "不用", "不说", "算了", "无")


def rating_in(text: str) -> Optional[int]:
    for word, value in RATING_WORDS:
        if word in text:
            return value
    return None


class ValidateEvaluationForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_evaluation_form"

    async def extract_rating(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        if requested(tracker) not in (None, RATING):
            return {}
        for value in entity_values(tracker, "number"):
            if value.isdigit() and 1 <= int(value) <= 5:
                return {RATING: int(value)}
        found = rating_in(text_of(tracker))
        return {} if found is None else {RATING: found}

    async def extract_rating_comment(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        if requested(tracker) != COMMENT or intent_of(tracker) in STOP_INTENTS - {"deny"}:
            return {}
        text = text_of(tracker)
        if intent_of(tracker) == "deny" or text in NO_COMMENT_WORDS:
            return {COMMENT: NO_COMMENT}
        return {COMMENT: text[:500]}


class ActionSubmitEvaluation(Action):
    def name(self) -> Text:
        return "action_submit_evaluation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ctx = tracker_context(tracker)
        rating = int(tracker.get_slot(RATING) or 0)
        comment = tracker.get_slot(COMMENT)
        request = submission.EvaluationRequest(
            target_type="conversation",
            target_id=tracker.sender_id[:64],
            rating=rating,
            comment=None if comment == NO_COMMENT else comment,
        )
        result = await submission.submit_evaluation(ctx, request)
        if result.ok:
            dispatcher.utter_message(text=f"感谢您的评价（{LEVELS.get(rating, rating)}）！我们会继续改进服务。")
        elif result.status == submission.LOGIN_REQUIRED:
            dispatcher.utter_message(json_message=login_message(ctx, result.message))
        else:
            dispatcher.utter_message(text=result.message)
        return reset(FORM)
