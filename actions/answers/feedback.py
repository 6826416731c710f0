"""有帮助 / 没帮助 on the latest answer (intent `answer_feedback`: the buttons' payload carries the entity
`helpful` = yes|no; typed "有帮助", "没帮助", "答非所问", "不是我想问的" are read by their words).

It is counted in the staff's statistics per entry (knowledge/feedback.py, shown under `answer_feedback` by
GET /admin/stats); 没帮助 also puts the question that answer was for into the unanswered queue, so staff
improve the entry or write a new one. The answer and its question come from the tracker: the latest bot
message with sources, and the citizen's question before it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.answers.extras import FEEDBACK_ENTITY, entity, latest_answer
from actions.background import in_background
from actions.dialogue import elder_mode
from actions.dialogue.context import latest_metadata
from actions.resources import knowledge_store
from knowledge import feedback

# Words that say the answer did not help (checked before the helpful ones: "没有帮助" contains "帮助").
NOT_HELPFUL_WORDS = (
    "没帮助",
    "没有帮助",
    "没什么帮助",
    "无帮助",
    "没用",
    "没有用",
    "不管用",
    "答非所问",
    "不是我想问",
    "不是我要问",
    "不是我要的",
    "不对",
    "不准",
    "没解决",
    "没有解决",
    "不满意",
    "看不懂",
    "没看懂",
    "不行",
    "差评",
    "没帮上",
)
HELPFUL_WORDS = (
    "有帮助",
    "帮助很大",
    "有用",
    "管用",
    "解决了",
    "清楚",
    "明白了",
    "懂了",
    "不错",
    "可以",
    "满意",
    "对的",
)
HELPFUL_VALUES = {"yes": True, "no": False, "true": True, "false": False, "1": True, "0": False}


def helpful_of(tracker: Tracker) -> Optional[bool]:
    """True / False from the button's entity or the words typed; None when the words say neither (the NLU
    guessed feedback for something else, e.g. "没啥要问的了"): nothing is counted then."""
    value = entity(tracker, FEEDBACK_ENTITY)
    if value is not None and value.lower() in HELPFUL_VALUES:
        return HELPFUL_VALUES[value.lower()]
    text = tracker.latest_message.get("text") or ""
    if any(word in text for word in NOT_HELPFUL_WORDS):
        return False
    if any(word in text for word in HELPFUL_WORDS):
        return True
    return None


def record(helpful: bool, source: Dict, question: str, metadata: Dict[str, Any]) -> None:
    """In a worker thread: a busy database never delays the reply."""
    entry = f"{source.get('type', '')}:{source.get('id', '')}"

    def write() -> None:
        feedback.record_answer_feedback(
            knowledge_store(),
            helpful,
            entry,
            question,
            channel=str(metadata.get("channel") or ""),
            region=str(metadata.get("region") or ""),
        )

    in_background(write, "recording the answer feedback")


class ActionAnswerFeedback(Action):
    def name(self) -> Text:
        return "action_answer_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        answer: Optional[Dict] = latest_answer(tracker)
        if answer is None:
            wording.say(dispatcher, "utter_feedback_nothing_to_rate")
            return []
        if answer["feedback_given"]:
            wording.say(dispatcher, "utter_feedback_already_given")
            return []
        helpful = helpful_of(tracker)
        if helpful is None:
            wording.say(dispatcher, "utter_feedback_unclear")
            return []
        record(helpful, answer["source"], answer["question"], latest_metadata(tracker))
        name = "utter_feedback_thanks" if helpful else "utter_feedback_sorry"
        wording.say(dispatcher, name, elder_mode.is_on(tracker))
        return []
