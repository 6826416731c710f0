"""Disambiguation: when several entries match, the bot offers numbered choices (actions/dialogue/choices.py); this
module acts on the citizen's pick — "第二个", "2", or part of a name ("就是补领那个") — and continues with
what was asked (`pending_aspect`: a part of the guide, the whole guide, or 申办), or starts the kind of help
picked from the fallback ladder's clarifying question. A whole entry picked (a FAQ, an app, a guide, a 一件事)
is followed, like every answer, by 有帮助 / 没帮助 and 猜你想问 (actions/answers/extras.py); when the choices
answered a question retrieval was unsure of (slot `asked_question`), that question is recorded as answered."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.answers import aspects
from actions.answers.extras import follow_up, record_offer, record_question
from actions.answers.life_event import show_package
from actions.dialogue import choices, elder_mode, fallback, render
from actions.dialogue.context import ITEM_SLOT, latest_metadata, tracker_context
from actions.forms.apply_online import APPLY, apply_for, login_message
from actions.resources import knowledge_store, published_entry

ASPECT_LABELS = dict(aspects.ELDER_MENU)
SERVICE_LABELS = dict(fallback.SERVICES)
SERVICE_FORMS = {"appointment": "appointment_form", "complaint": "workorder_form"}
ASKED_SLOT = "asked_question"


async def respond_for_item(
    dispatcher: CollectingDispatcher, tracker: Tracker, item_id: str, aspect: Optional[str]
) -> List[Dict]:
    """What was asked about an item once it is known: 申办, one part of the guide, or the whole guide."""
    if aspect == APPLY:
        return await apply_for(dispatcher, tracker, item_id)
    return aspects.answer_item(dispatcher, tracker, item_id, aspect or aspects.GUIDE)


def option_title(ref: str, item_id: str = "") -> str:
    kind, value = ref.split(":", 1)
    if kind == "aspect":
        return ASPECT_LABELS.get(value, aspects.ASPECT_TITLES.get(value, value))
    if kind == "service":
        return SERVICE_LABELS.get(value, value)
    if kind == "situation":
        item = knowledge_store().get("item", item_id) if item_id else None
        situations = (item or {}).get("situations") or []
        return situations[int(value)]["name"] if value.isdigit() and int(value) < len(situations) else value
    entry = knowledge_store().get(kind, value) if kind in ("item", "faq", "package", "app") else None
    if entry:
        return entry.get("name") or entry.get("question") or value
    return value


def start_service(dispatcher: CollectingDispatcher, tracker: Tracker, service: str) -> List[Dict]:
    """A kind of help picked from the fallback ladder's clarifying question."""
    events = [SlotSet(choices.SLOT, None), SlotSet(fallback.SLOT, None)]
    if service == "handoff":
        fallback.human_handoff(dispatcher, tracker)
        return events
    if service == "guide":
        wording.say(dispatcher, "utter_ask_which_item", elder_mode.is_on(tracker))
        return events + [SlotSet(aspects.PENDING_SLOT, aspects.GUIDE)]
    if service == "progress":
        return events + [FollowupAction("progress_form")]
    ctx = tracker_context(tracker)
    if not ctx.logged_in:
        dispatcher.utter_message(json_message=login_message(ctx))
        return events + [SlotSet("logged_in", False)]
    kind = [SlotSet("workorder_kind", "complaint")] if service == "complaint" else []
    return events + kind + [SlotSet("logged_in", True), FollowupAction(SERVICE_FORMS[service])]


def after_pick(
    dispatcher: CollectingDispatcher, tracker: Tracker, kind: str, entry_id: str, related: bool = True
) -> List[Dict]:
    """After a whole entry picked from a list: the question behind the list is recorded as answered from it,
    then the follow-ups (the entry's own phrasing stands for the question when there was none)."""
    entry = published_entry(kind, entry_id)
    if entry is None:
        return []
    asked = tracker.get_slot(ASKED_SLOT) or ""
    if asked:
        record_question(asked, latest_metadata(tracker), kind, entry_id)
    record_offer([], latest_metadata(tracker), chosen=f"{kind}:{entry_id}")
    question = asked or entry.get("question") or entry.get("name") or ""
    return [SlotSet(ASKED_SLOT, None)] + follow_up(dispatcher, tracker, kind, entry, question, related=related)


def answer_entry(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str, entry_id: str) -> List[Dict]:
    """A FAQ or an app picked from a list (search results of the fallback ladder)."""
    entry = published_entry(kind, entry_id)
    if entry is None:
        wording.say(dispatcher, "utter_no_answer", elder_mode.is_on(tracker))
        return [SlotSet(choices.SLOT, None)]
    if kind == "faq":
        message = render.faq_answer(entry)
        if elder_mode.is_on(tracker):
            message = {"type": "text", "text": elder_mode.with_hotline(elder_mode.short_sentences(message["text"]))}
    else:
        message = render.app_link(entry)
    message["sources"] = [render.source_of(kind, entry)]
    dispatcher.utter_message(json_message=message)
    events = [SlotSet(choices.SLOT, None), SlotSet(aspects.PENDING_SLOT, None)]
    linked = entry.get("items") or []
    if kind == "faq" and len(linked) == 1:
        events.append(SlotSet(ITEM_SLOT, linked[0]))
    return events


class ActionChooseOption(Action):
    def name(self) -> Text:
        return "action_choose_option"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        refs = [
            r
            for r in choices.offered(tracker)
            if r.split(":", 1)[0] in ("item", "aspect", "faq", "package", "app", "service", "situation")
        ]
        if not refs:  # "那个那个" with nothing offered: the bot did not understand — one step up the ladder
            return fallback.climb(dispatcher, tracker)
        titles = [option_title(r, tracker.get_slot(ITEM_SLOT) or "") for r in refs]
        index = choices.picked_index(tracker, titles)
        if index is None:
            options = [choices.Option(r, t) for r, t in zip(refs, titles, strict=False)]
            return choices.ask(dispatcher, "utter_ask_pick_again", options)
        kind, value = refs[index].split(":", 1)
        pending = tracker.get_slot(aspects.PENDING_SLOT)
        if kind == "item":
            events = await respond_for_item(dispatcher, tracker, value, pending)
            if pending in (None, aspects.GUIDE):  # the whole guide: an answer like any other
                events += after_pick(dispatcher, tracker, kind, value)
            return events
        if kind == "situation":  # the 情形 of the item in context: its materials
            item = knowledge_store().get("item", tracker.get_slot(ITEM_SLOT) or "")
            if not item or int(value) >= len(item.get("situations") or []):
                wording.say(dispatcher, "utter_ask_which_item", elder_mode.is_on(tracker))
                return [SlotSet(choices.SLOT, None)]
            ctx = tracker_context(tracker)
            message = aspects.situation_message(item, int(value), ctx.region, ctx.elder_mode)
            dispatcher.utter_message(json_message=message)
            return [SlotSet(choices.SLOT, None), SlotSet(aspects.PENDING_SLOT, None)]
        if kind == "aspect":
            item_id = tracker.get_slot(ITEM_SLOT)
            if not item_id:
                wording.say(dispatcher, "utter_ask_which_item", elder_mode.is_on(tracker))
                return [SlotSet(aspects.PENDING_SLOT, value)]
            events = aspects.answer_item(dispatcher, tracker, item_id, value)
            # keep the elder-mode menu open: the next digit picks another part of the same guide
            return [e for e in events if e.get("name") != choices.SLOT]
        if kind == "package":  # its items follow as numbered choices: no related questions besides
            return show_package(dispatcher, tracker, value) + after_pick(dispatcher, tracker, kind, value, False)
        if kind == "service":
            return start_service(dispatcher, tracker, value)
        return answer_entry(dispatcher, tracker, kind, value) + after_pick(dispatcher, tracker, kind, value)
