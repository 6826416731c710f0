"""The action for ask_materials / ask_fee / ask_time / ask_location / ask_online / ask_conditions and
ask_guide: which item (context carry-over, actions/dialogue/context.py), then that part of its guide; several
items → numbered choices; none → a FAQ, an app or a 一件事 when retrieval is sure of one (the topic is no
item), else "哪个事项？" with the asked part kept for the answer."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.answers.aspects import ASPECT_TITLES, GUIDE, PENDING_SLOT, catalog, offer_items
from actions.answers.question import answer_top, offer_choices, retrieve
from actions.dialogue import elder_mode
from actions.dialogue.context import ASPECT_OF_INTENT, resolve_items
from actions.dialogue.disambiguation import respond_for_item
from actions.forms.apply_online import APPLY
from actions.resources import searcher
from search import answer_policy as confidence

FAQ_OVER_GUIDE_MARGIN = 0.02  # chosen on the dev parts (docs/decisions.md)
# What retrieval may answer for a part of a guide asked without a known item: a FAQ, an app ("交暖气费" — the
# 缴费 app, whose entry says where and how), a 一件事; an item is found by the item resolution, not here.
NOT_ITEMS = ("faq", "app", "package")
ANSWERED_BESIDE_AN_ITEM = ("faq",)  # with the item named, only a FAQ asking this very question goes first
# Words that say whether or how soon a thing gets done, or count it, not what is asked: beside an item's name
# ("营业执照几天能办好", "结婚登记网上能办吗", "港澳通行证办一个多少钱") they ask no more than its guide says.
DOING_WORDS = frozenset("办好 能办 好办 可办 能拿 拿到 一个 一本 一张".split())


def asked_aspect(tracker: Tracker) -> str:
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    aspect = ASPECT_OF_INTENT.get(intent, GUIDE)
    pending = tracker.get_slot(PENDING_SLOT)
    if aspect == GUIDE and (pending in ASPECT_TITLES or pending == APPLY):
        return pending  # "要什么材料？" — "哪个事项？" — "居住证"
    return aspect


class ActionAnswerAspect(Action):
    def name(self) -> Text:
        return "action_answer_aspect"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        aspect = asked_aspect(tracker)
        resolution = resolve_items(tracker, catalog(), searcher())
        named_now = resolution.source != "context"  # the item is named in this message, not carried over
        if resolution.unique and resolution.source == "search":
            # an item only guessed from a word or two the message shares with its names ("特殊境遇家庭扶助申请后
            # 多久有结果" shares 家庭 with nothing it asks): what retrieval is sure of, or its choices, go first.
            # (This answers every FAQ the named-item branch below would, so that branch is not run for it too.)
            answered = answer_from_faq(dispatcher, tracker, offer_unless={resolution.unique})
            if answered is not None:
                return answered
        elif (
            resolution.unique
            and named_now
            and aspect != GUIDE
            and tracker.get_slot(PENDING_SLOT) is None
            and asks_beyond_the_item(tracker, resolution.unique)
        ):
            answered = answer_from_faq(dispatcher, tracker, item=resolution.unique)
            if answered is not None:
                return answered  # "低保一个月给多少钱": the FAQ that asks it, not the guide's 收费 section
        if resolution.unique:
            return await respond_for_item(dispatcher, tracker, resolution.unique, aspect)
        if resolution.ambiguous:
            if resolution.source == "search":  # items only guessed from the words: retrieval goes first
                answered = answer_from_faq(dispatcher, tracker, offer_unless=set(resolution.items))
                if answered is not None:
                    return answered
            return offer_items(dispatcher, resolution.items, aspect)
        answered = answer_from_faq(dispatcher, tracker, offer_unless=set())
        if answered is not None:
            return answered
        wording.say(dispatcher, "utter_ask_which_item", elder_mode.is_on(tracker))
        return [SlotSet(PENDING_SLOT, aspect)]


def asks_beyond_the_item(tracker: Tracker, item_id: str) -> bool:
    """Whether the question says more than the item's name and the part of its guide asked ("身份证补办要多少钱"
    says nothing more; "低保一个月给多少钱" does): only then can a FAQ be closer than the guide (and only then
    is retrieval worth its ~25 ms of sentence vector). The message's own words are weighed (not what is left
    of it once the item's words are cut out: "居住证多少天能拿" would leave "证多少天能拿" and a word "天能")."""
    text = tracker.latest_message.get("text") or ""
    forms = catalog().forms_text(item_id)
    # a word of the item's names, or all of it but one character ("身份证号" → 身份证); "残疾证" is not
    # "残疾人两项补贴" for sharing 残疾 (sub-words of three characters or more)
    return any(
        word not in DOING_WORDS and not confidence.found_in(word, forms, {}, min_part=3)
        for word in confidence.asked_words(searcher(), text)
    )


def answer_from_faq(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    item: Optional[str] = None,
    offer_unless: Optional[Set[str]] = None,
) -> Optional[List[Dict[Text, Any]]]:
    """A part of a guide asked about a topic that is no item ("12345热线在哪里投诉", "交暖气费"): a FAQ, app or
    一件事 that retrieval answers with confidence is the answer; otherwise None (the bot asks which item).
    With `item` known, only a FAQ that asks this very question goes before that part of its guide: cosine ≥
    SURE_COSINE and clearly closer to the question than the item itself (FAQ_OVER_GUIDE_MARGIN). With
    `offer_unless` (the items guessed so far, maybe none), retrieval's choices are offered when it is unsure
    and its top hit is about none of those items ("世大运一共比几天": choices among the FAQs, never "哪个事项？")."""
    text = tracker.latest_message.get("text") or ""
    if not confidence.names_something(searcher(), text):
        return None  # "要带什么材料": which item's materials is the question, not any FAQ about materials
    hits, entries, judgement = retrieve(text)
    if judgement.level == confidence.CHOOSE and offer_unless is not None:
        if not (confidence.topics(hits[0].type, entries.get((hits[0].type, hits[0].id))) & offer_unless):
            return offer_choices(dispatcher, tracker, text, hits)
    if judgement.level != confidence.ANSWER or hits[0].type not in (ANSWERED_BESIDE_AN_ITEM if item else NOT_ITEMS):
        return None
    if item is not None:
        guide = next((h.cosine for h in hits if h.type == "item" and h.id == item), 0.0)
        if hits[0].cosine < max(confidence.SURE_COSINE, guide + FAQ_OVER_GUIDE_MARGIN):
            return None
    return answer_top(dispatcher, tracker, text, hits, entries)
