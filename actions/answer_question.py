"""Answers a free question from the knowledge base: the best-matching FAQ, guide, package or app."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import render
from actions.resources import knowledge_store, searcher

logger = logging.getLogger(__name__)

MIN_SCORE = 1.0


def latest_metadata(tracker: Tracker) -> Dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = tracker.latest_message.get("text") or ""
        region: Optional[str] = latest_metadata(tracker).get("region")
        hits = [h for h in searcher().search(text, limit=5) if h.score >= MIN_SCORE]
        if not hits:
            dispatcher.utter_message(response="utter_no_answer")
            return []
        top = hits[0]
        store = knowledge_store()
        entry = store.get(top.type, top.id)
        if entry is None or entry.get("status", "published") != "published":
            dispatcher.utter_message(response="utter_no_answer")
            return []
        if top.type == "faq":
            message = render.faq_answer(entry)
        elif top.type == "item":
            message = render.guide_card(entry, region)
        elif top.type == "package":
            names = {i: (store.get("item", i) or {}).get("name", i) for i in entry["items"]}
            message = render.package_card(entry, names)
        else:
            message = render.app_link(entry)
        message["sources"] = [render.source_of(top.type, entry)]
        dispatcher.utter_message(json_message=message)
        return []
