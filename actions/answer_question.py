"""Answers a free question from the knowledge base: the best-matching FAQ, guide, package or app."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import aspects, elder_mode, fallback, render
from actions.background import in_background
from actions.context import after_answer, latest_metadata
from actions.resources import knowledge_store, searcher
from knowledge import feedback

MIN_SCORE = 1.0


def record_question(text: str, metadata: Dict[str, Any], source_kind: str = "", source_id: str = "") -> None:
    """Records the question for the staff's statistics and, when nothing was found, their unanswered queue
    (knowledge/feedback.py masks ID and phone numbers). Runs in a worker thread, so a busy database never
    delays the reply; a failure is logged, never shown to the citizen."""

    def write() -> None:
        feedback.record_question(knowledge_store(), text, answered=bool(source_id), source_kind=source_kind,
                                 source_id=source_id, channel=str(metadata.get("channel") or ""),
                                 region=str(metadata.get("region") or ""))

    in_background(write, "recording the question")


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = tracker.latest_message.get("text") or ""
        metadata = latest_metadata(tracker)
        region: Optional[str] = metadata.get("region")
        hits = [h for h in searcher().search(text, limit=5) if h.score >= MIN_SCORE]
        if not hits:
            record_question(text, metadata)
            return fallback.climb(dispatcher, tracker)
        top = hits[0]
        store = knowledge_store()
        entry = store.get(top.type, top.id)
        if entry is None or entry.get("status", "published") != "published":
            dispatcher.utter_message(response="utter_no_answer")
            record_question(text, metadata)
            return []
        elder = elder_mode.is_on(tracker)
        if top.type == "item" and elder:  # one step at a time: the guide's parts as a numbered menu
            record_question(text, metadata, top.type, top.id)
            return aspects.answer_item(dispatcher, tracker, top.id, aspects.GUIDE)
        if top.type == "faq":
            message = render.faq_answer(entry)
            if elder:
                message["text"] = elder_mode.with_hotline(elder_mode.short_sentences(message["text"]))
        elif top.type == "item":
            message = render.guide_card(entry, region)
        elif top.type == "package":
            names = {i: (store.get("item", i) or {}).get("name", i) for i in entry["items"]}
            message = render.package_card(entry, names)
        else:
            message = render.app_link(entry)
        message["sources"] = [render.source_of(top.type, entry)]
        dispatcher.utter_message(json_message=message)
        record_question(text, metadata, top.type, top.id)
        return after_answer(top.type, entry)
