"""一件事 navigation in the dialogue: "生孩子要办哪些事" → the package's card, then its items as numbered
choices so the citizen can open each guide in turn. Unclear which life event → the close ones (or all)
to choose from."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.answers.question import answer_if_sure
from actions.dialogue import choices, elder_mode, render
from actions.dialogue.context import entity_values
from actions.resources import knowledge_store, published_entry, searcher

MIN_SCORE = 25.0
CLEAR_WINNER_RATIO = 1.25
GENERIC = re.compile(r"一件事|一次办|打包办|套餐|要办|办理|哪些|什么|事情|事|手续|我|想|了|的|吗|呢|\W")


def package_choices(dispatcher: CollectingDispatcher, package_ids: List[str], response: str) -> List[Dict]:
    store = knowledge_store()
    options = [choices.Option(f"package:{p}", (store.get("package", p) or {}).get("name", p)) for p in package_ids]
    return choices.ask(dispatcher, response, options)


def show_package(dispatcher: CollectingDispatcher, tracker: Tracker, package_id: str) -> List[Dict]:
    store = knowledge_store()
    package = published_entry("package", package_id)
    if package is None:
        wording.say(dispatcher, "utter_no_answer", elder_mode.is_on(tracker))
        return []
    names = {i: (store.get("item", i) or {}).get("name", i) for i in package["items"]}
    card = render.package_card(package, names)
    card["sources"] = [render.source_of("package", package)]
    if elder_mode.is_on(tracker):
        card = {
            "type": "text",
            "sources": card["sources"],
            "text": "\n".join(
                [wording.text("utter_package_steps_elder", True, package=package["name"])]
                + elder_mode.numbered([names[i] for i in package["items"]])
            ),
        }
    dispatcher.utter_message(json_message=card)
    options = [choices.Option(f"item:{i}", names[i]) for i in package["items"]]
    return choices.ask(
        dispatcher, "utter_ask_which_package_item", options, {"pending_aspect": "guide"}, elder_mode.is_on(tracker)
    )


def find_packages(text: str) -> List[str]:
    hits = [h for h in searcher().search_lexical(text, kind="package", limit=4) if h.score >= MIN_SCORE]
    if not hits:
        return []
    if len(hits) == 1 or hits[0].score >= CLEAR_WINNER_RATIO * hits[1].score:
        return [hits[0].id]
    return [h.id for h in hits if h.score >= 0.8 * hits[0].score]


def all_packages() -> List[str]:
    return [p["id"] for p in knowledge_store().iter_entries("package")]


class ActionLifeEvent(Action):
    def name(self) -> Text:
        return "action_life_event"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        named: List[str] = [p for p in entity_values(tracker, "life_event") if knowledge_store().get("package", p)]
        text = tracker.latest_message.get("text") or ""
        specific = len(GENERIC.sub("", text)) >= 2  # says more than "一件事" / "要办哪些手续"
        found: Optional[List[str]] = named or (find_packages(text) if specific else None)
        if found and len(found) == 1:
            return show_package(dispatcher, tracker, found[0])
        if not named and specific:
            # no 一件事 is clearly meant ("开理发店需要啥手续"): a sure answer from the knowledge base first
            answered = answer_if_sure(dispatcher, tracker, text)
            if answered is not None:
                return answered
        if found:
            return package_choices(dispatcher, found, "utter_ask_which_of_packages")
        return package_choices(dispatcher, all_packages(), "utter_ask_which_package") + [
            SlotSet("pending_aspect", None)
        ]
