"""好差评 form for the conversation: a rating (1–5, or 好/中/差 in words) and an optional comment, then the
submission to the application API's evaluations."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.dialogue.context import entity_values, tracker_context
from actions.forms.common import STOP_INTENTS, FormValidator, intent_of, requested, reset, text_of
from actions.platform import submission
from actions.platform.profile import feedback_channels

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
MIN_COMMENT_CHARS = 4  # what is left of "非常满意，回答很及时" without the rating words is a comment
NOT_COMMENT = re.compile(r"[1-5１-５一二三四五]\s*(?:分|星)|打|给|评价|评|分|星|我|吧|的|了|呀|啊|[\W_]")
# At the comment step: "改成4分", "还是给3星吧" changes the rating instead of being the comment.
RATING_CHANGE = re.compile(r"(?:改成|改为|换成|还是|改打|改给|重新打)\s*(?:给|打)?\s*(?P<value>[1-5])\s*(?:分|星)")


def rating_in(text: str) -> Optional[int]:
    for word, value in RATING_WORDS:
        if word in text:
            return value
    return None


def comment_beside_rating(text: str) -> str:
    """The comment in a message that also gives the rating ("" when the message is only the rating)."""
    if text.startswith("/"):  # a button's payload
        return ""
    rest = text
    for word, _ in RATING_WORDS:
        rest = rest.replace(word, "")
    return text[:500] if len(NOT_COMMENT.sub("", rest)) >= MIN_COMMENT_CHARS else ""


class ValidateEvaluationForm(FormValidator):
    FORM = FORM

    def name(self) -> Text:
        return "validate_evaluation_form"

    async def extract_rating(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        if requested(tracker) not in (None, RATING):
            changed = RATING_CHANGE.search(text_of(tracker))
            if changed and int(changed.group("value")) != tracker.get_slot(RATING):
                return {RATING: int(changed.group("value"))}
            return {}
        for value in entity_values(tracker, "number"):
            if value.isdigit() and 1 <= int(value) <= 5:
                return {RATING: int(value)}
        found = rating_in(text_of(tracker))
        return {} if found is None else {RATING: found}

    async def extract_rating_comment(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        text = text_of(tracker)
        if requested(tracker) in (None, RATING) and not tracker.get_slot(COMMENT):
            rated = tracker.get_slot(RATING) is not None  # extract_rating ran first, on the same message
            comment = comment_beside_rating(text) if rated and intent_of(tracker) not in STOP_INTENTS else ""
            return {COMMENT: comment} if comment else {}
        if requested(tracker) != COMMENT or intent_of(tracker) in STOP_INTENTS - {"deny"}:
            return {}
        if RATING_CHANGE.search(text):
            return {}  # a new rating, not the comment: the comment is asked again
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
        if result.ok:  # an expired login is no obstacle: the rating then counts as an anonymous one
            wording.say(dispatcher, "utter_evaluation_thanks", level=LEVELS.get(rating, rating))
            others = feedback_channels()
            if others:
                channels = "".join(f"“{c}”" for c in others)
                wording.say(dispatcher, "utter_feedback_channels", channels=channels)
        else:
            dispatcher.utter_message(text=result.message)
        return reset(FORM)
