"""Answers a free question from the knowledge base: the best-matching FAQ, guide, package or app — when
retrieval is sure enough (search/answer_policy.py). Not sure: the top three as numbered choices
("2" or "第二个" picks one, actions/dialogue/disambiguation.py). Nothing: the fallback ladder, and the question goes
to the staff's unanswered queue. After an answer: 有帮助 / 没帮助 and 猜你想问 (actions/answers/extras.py).
Every answer carries its `sources`; every fact comes from a published entry."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.answers import aspects, departments
from actions.answers.extras import follow_up, record_offer, record_question
from actions.dialogue import choices, elder_mode, fallback, render
from actions.dialogue.context import after_answer, latest_metadata
from actions.resources import knowledge_store, published, searcher
from search import answer_policy as confidence
from search.searcher import Hit

SEARCH_LIMIT = 10
ASKED_SLOT = "asked_question"  # the question behind the choices offered, recorded once one is picked

__all__ = [
    "ActionAnswerQuestion",
    "ActionAnswerOrFallback",
    "ActionAnswerOrReply",
    "answer_if_sure",
    "answer_entry",
    "record_question",
    "ASKED_SLOT",
]


def answer_entry(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    kind: str,
    entry: Dict,
    question: str,
    hits=None,
    related: bool = True,
) -> List[Dict]:
    """Answers from one published entry, then the follow-ups; returns the events."""
    store = knowledge_store()
    region: Optional[str] = latest_metadata(tracker).get("region")
    elder = elder_mode.is_on(tracker)
    if kind == "item" and elder:  # one step at a time: the guide's parts as a numbered menu
        return (
            aspects.answer_item(dispatcher, tracker, entry["id"], aspects.GUIDE)
            + [SlotSet(ASKED_SLOT, None)]
            + follow_up(dispatcher, tracker, kind, entry, question, hits, related=False)
        )
    if kind == "faq":
        message = render.faq_answer(entry)
        if elder:
            message["text"] = elder_mode.with_hotline(elder_mode.short_sentences(message["text"]))
    elif kind == "item":
        message = render.guide_card(entry, region)
    elif kind == "package":
        names = {i: (store.get("item", i) or {}).get("name", i) for i in entry["items"]}
        message = render.package_card(entry, names)
    else:
        message = render.app_link(entry)
    message["sources"] = [render.source_of(kind, entry)]
    dispatcher.utter_message(json_message=message)
    return (
        after_answer(kind, entry)
        + [SlotSet(ASKED_SLOT, None)]
        + follow_up(dispatcher, tracker, kind, entry, question, hits, related=related)
    )


def offer_choices(dispatcher: CollectingDispatcher, tracker: Tracker, question: str, hits) -> List[Dict]:
    """The top three (distinct) hits as numbered choices; the question is recorded once one is picked."""
    options = [choices.Option(f"{h.type}:{h.id}", h.title) for h in confidence.distinct_hits(hits)]
    extra = {aspects.PENDING_SLOT: None, ASKED_SLOT: question[:200]}
    record_offer([o.ref for o in options], latest_metadata(tracker))
    return choices.ask(dispatcher, "utter_ask_which_of_answers", options, extra, elder_mode.is_on(tracker))


# Entities that name an entry outright (the gazetteer, nlu/evidence.py): entity → kind of entry.
NAMING_ENTITIES = {"item": "item", "app": "app", "life_event": "package"}


def named_entry(tracker: Tracker) -> Optional[tuple]:
    """(kind, entry) of the first published entry the message names, or None."""
    store = knowledge_store()
    for entity in tracker.latest_message.get("entities") or []:
        kind = NAMING_ENTITIES.get(entity.get("entity"))
        if kind and isinstance(entity.get("value"), str):
            entry = store.get(kind, entity["value"])
            if published(entry):
                return kind, entry
    return None


def answer_top(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, hits, entries) -> List[Dict]:
    """Answers from retrieval's first hit (published, in `entries`) and records the question as answered by it.
    A FAQ that other departments answer too (the same question): the department the citizen named, else the
    first answer and the others offered by department (actions/answers/departments.py)."""
    top = hits[0]
    entry = entries[(top.type, top.id)]
    others = departments.same_question(entry, hits, entries) if top.type == "faq" else []
    if others:
        store = knowledge_store()
        named = departments.named_in(text, [entry] + others, store)
        if named is None:
            record_question(text, latest_metadata(tracker), "faq", entry["id"])
            events = answer_entry(dispatcher, tracker, "faq", entry, text, hits, related=False)
            options = [choices.Option(f"faq:{o['id']}", departments.department_name(store, o)) for o in others]
            return events + choices.ask(
                dispatcher,
                "utter_other_departments_answer",
                options,
                elder=elder_mode.is_on(tracker),
                department=departments.department_name(store, entry),
            )
        entry = named
    record_question(text, latest_metadata(tracker), top.type, entry["id"])
    return answer_entry(dispatcher, tracker, top.type, entry, text, hits)


def answer_unsure(dispatcher, tracker, text: str, hits, entries, level: Optional[str] = None) -> Optional[List[Dict]]:
    """Retrieval is not sure, but the message names an item, app or 一件事: that entry is the answer (a
    question that names what it is about never gets 没太明白 or a menu of other things). When retrieval
    hesitates between other things (`level` CHOOSE) and ranks the named entry nowhere among its hits, the
    named thing is likely the citizen's situation, not the question ("我刚退休，想找地方当志工"): it is
    offered first, beside retrieval's choices."""
    named = named_entry(tracker)
    if named is None:
        return None
    kind, entry = named
    about = {entry["id"]} if kind == "item" else set(entry.get("items") or [])
    top = hits[0] if hits else None
    if top is not None and top.type == "faq" and about & confidence.topics("faq", entries.get(("faq", top.id))):
        return answer_top(dispatcher, tracker, text, hits, entries)  # the named item's own FAQ, put first
    if level == confidence.CHOOSE and not any(
        (h.type, h.id) == (kind, entry["id"]) or about & confidence.topics(h.type, entries.get((h.type, h.id)))
        for h in hits
    ):
        title = render.source_of(kind, entry)["title"]
        return offer_choices(dispatcher, tracker, text, [Hit(kind, entry["id"], title, "", 0.0)] + list(hits))
    record_question(text, latest_metadata(tracker), kind, entry["id"])
    return answer_entry(dispatcher, tracker, kind, entry, text, hits)


def answer_if_sure(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str, min_cosine: float = 0.0
) -> Optional[List[Dict]]:
    """Answers `text` when retrieval is sure of one entry (judged ANSWER, the top cosine ≥ `min_cosine`) and
    the question names something; otherwise None and nothing is said."""
    if not text.strip() or not confidence.names_something(searcher(), text):
        return None
    hits, entries, judgement = retrieve(text)
    if judgement.level != confidence.ANSWER or (min_cosine and hits[0].cosine < min_cosine):
        return None
    return answer_top(dispatcher, tracker, text, hits, entries)


def retrieve(text: str):
    """(published hits, their entries, the judgement) for a question."""
    store = knowledge_store()
    hits = searcher().search(text, limit=SEARCH_LIMIT)
    entries = store.get_many((h.type, h.id) for h in hits)
    hits = [h for h in hits if published(entries.get((h.type, h.id)))]
    return hits, entries, confidence.judge(searcher(), store, text, hits, entries)


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = tracker.latest_message.get("text") or ""
        metadata = latest_metadata(tracker)
        hits, entries, judgement = retrieve(text)
        if judgement.level != confidence.ANSWER:
            answered = answer_unsure(dispatcher, tracker, text, hits, entries, judgement.level)
            if answered is not None:
                return answered
        if judgement.level == confidence.NONE:
            record_question(text, metadata)
            return fallback.climb(dispatcher, tracker)
        if judgement.level == confidence.CHOOSE:
            return offer_choices(dispatcher, tracker, text, hits)
        return answer_top(dispatcher, tracker, text, hits, entries)


class ActionAnswerOrReply(Action):
    """A message the NLU reads as out of scope or as asking whether this is a robot, that is in fact a
    question the knowledge base answers with certainty (top cosine ≥ SURE_COSINE: "都市更新有哪几种方式" with a
    city's FAQs imported), is answered; anything else gets the intent's own reply."""

    REPLIES = {"out_of_scope": "utter_out_of_scope", "bot_challenge": "utter_bot_challenge"}

    def name(self) -> Text:
        return "action_answer_or_reply"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = tracker.latest_message.get("text") or ""
        answered = answer_if_sure(dispatcher, tracker, text, min_cosine=confidence.SURE_COSINE)
        if answered is not None:
            return answered
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        wording.say(dispatcher, self.REPLIES.get(intent, "utter_out_of_scope"), elder_mode.is_on(tracker))
        return []


class ActionAnswerOrFallback(Action):
    """A message the NLU did not understand (nlu_fallback) that retrieval answers with confidence — typically
    a tapped 热门问题 or 猜你想问 button, or a bare item name ("补办身份证") — is answered; anything else
    climbs the fallback ladder (actions/dialogue/fallback.py)."""

    def name(self) -> Text:
        return "action_answer_or_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = tracker.latest_message.get("text") or ""
        hits, entries, judgement = retrieve(text) if text.strip() else ([], {}, None)
        if judgement is None or judgement.level != confidence.ANSWER:
            answered = answer_unsure(dispatcher, tracker, text, hits, entries, judgement and judgement.level)
            if answered is not None:
                return answered
            first_miss = fallback.step_of_this_turn(tracker) == fallback.CLARIFY
            if judgement is not None and judgement.level == confidence.CHOOSE and first_miss:
                return offer_choices(dispatcher, tracker, text, hits)  # candidates say more than 没太明白
            return fallback.climb(dispatcher, tracker)
        return answer_top(dispatcher, tracker, text, hits, entries)
