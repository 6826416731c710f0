"""One part of an item's guide — materials, fee, time, place, online, conditions — or the whole guide,
as a message with its source and the guide's last-updated date; in elder mode short lines and, instead of
the whole guide, a numbered menu of its parts (one step at a time).
"""

from __future__ import annotations

import functools
import re
from typing import Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.dialogue import choices, elder_mode, render
from actions.dialogue.context import ITEM_SLOT, ItemCatalog, tracker_context
from actions.resources import knowledge_store, published_entry

PENDING_SLOT = "pending_aspect"
GUIDE = "guide"
ASPECT_TITLES = {
    "materials": "所需材料",
    "fee": "收费标准",
    "time": "办理时限",
    "location": "办理地点",
    "online": "网上办理",
    "conditions": "办理条件",
}
# The numbered menu elder mode shows instead of a whole guide: one step at a time.
ELDER_MENU = [
    ("materials", "要带什么材料"),
    ("location", "去哪里办"),
    ("fee", "要不要钱"),
    ("time", "要多长时间"),
    ("online", "能不能在手机上办"),
    ("conditions", "谁可以办"),
]


@functools.lru_cache(maxsize=1)
def catalog() -> ItemCatalog:
    return ItemCatalog(knowledge_store())


def aspect_lines(item: Dict, aspect: str, region: Optional[str]) -> List[str]:
    sections = {s["title"]: s["lines"] for s in render.guide_sections(item, region)}
    if aspect == "time":
        hours = [line for line in sections.get("办理地点", []) if line.startswith("办公时间")]
        return sections.get("办理时限", []) + hours
    if aspect == "location":
        phone = item.get("hotline") or wording.wording_values()["hotline"]
        return sections.get("办理地点", []) or [wording.text("utter_aspect_location_unknown", phone=phone)]
    return sections.get(ASPECT_TITLES[aspect], [])


def aspect_message(
    item: Dict, aspect: str, region: Optional[str], elder: bool = False, heading: Optional[str] = None
) -> Dict:
    """One part of the guide as a text message with its source; `heading`: another first line than
    utter_aspect_heading (one 情形's materials)."""
    lines = aspect_lines(item, aspect, region)
    title = ASPECT_TITLES[aspect]
    if aspect == "materials" and len(lines) > 1:
        lines = elder_mode.numbered(lines)
    heading = heading or wording.text("utter_aspect_heading", elder, item=item["name"], aspect=title)
    if elder:
        body = [heading]
        for line in lines:
            body += elder_mode.short_sentences(line)
        text = elder_mode.with_hotline(body)
    else:
        updated = wording.text("utter_guide_updated", date=item.get("updated_at", ""))
        text = "\n".join([heading] + lines + [updated])
    return {"type": "text", "text": text, "sources": [render.source_of("item", item)]}


def situation_of(item: Dict, text: str) -> Optional[int]:
    """The 情形 the message names ("丢了要补" → 丢失补领), by the words it shares with the situation's name."""
    names = [s["name"] for s in item.get("situations") or []]
    if len(names) < 2:
        return None
    for name in sorted([item.get("name", "")] + list(item.get("aliases") or []), key=len, reverse=True):
        bare = re.sub(r"[（(][^）)]*[）)]", "", name)  # "导游证申领（演示）" → 导游证申领
        if bare:
            text = text.replace(bare, " ")  # the item's own name says nothing of the situation ("申领")
    return choices.pick_by_name(text, names)


def situation_message(item: Dict, index: int, region: Optional[str], elder: bool = False) -> Dict:
    """The materials of one 情形 (the item's other parts do not differ by situation)."""
    situation = item["situations"][index]
    narrowed = dict(item, materials=situation["materials"], situations=[])
    heading = wording.text("utter_situation_heading", elder, item=item["name"], situation=situation["name"])
    return aspect_message(narrowed, "materials", region, elder, heading)


def ask_situation(dispatcher: CollectingDispatcher, tracker: Tracker, item: Dict) -> List[Dict]:
    options = [choices.Option(f"situation:{n}", s["name"]) for n, s in enumerate(item["situations"])]
    names = [s["name"] for s in item["situations"]]
    return choices.ask(
        dispatcher,
        "utter_ask_situation",
        options,
        {PENDING_SLOT: "materials"},
        elder_mode.is_on(tracker),
        item=item["name"],
        situations=wording.text("utter_situation_alternatives", others="、".join(names[:-1]), last=names[-1]),
    )


def answer_item(dispatcher: CollectingDispatcher, tracker: Tracker, item_id: str, aspect: str) -> List[Dict]:
    """Answers `aspect` (or the whole guide) of one item; the item becomes the conversation's context. The
    materials of an item whose materials differ by 情形: those of the situation the message names, or the
    question which situation applies ("您是首次申领、到期换领还是丢失补领？")."""
    item = published_entry("item", item_id)
    if item is None:
        wording.say(dispatcher, "utter_no_answer", elder_mode.is_on(tracker))
        return [SlotSet(PENDING_SLOT, None)]
    ctx = tracker_context(tracker)
    events = [SlotSet(ITEM_SLOT, item_id), SlotSet(PENDING_SLOT, None), SlotSet(choices.SLOT, None)]
    if aspect == "materials" and len(item.get("situations") or []) > 1:
        index = situation_of(item, tracker.latest_message.get("text") or "")
        if index is None:
            return events[:1] + ask_situation(dispatcher, tracker, item)
        dispatcher.utter_message(json_message=situation_message(item, index, ctx.region, ctx.elder_mode))
        return events
    if aspect != GUIDE:
        dispatcher.utter_message(json_message=aspect_message(item, aspect, ctx.region, ctx.elder_mode))
        return events
    if ctx.elder_mode:
        options = [choices.Option(f"aspect:{key}", label) for key, label in ELDER_MENU]
        dispatcher.utter_message(
            json_message={
                "type": "text",
                "text": wording.text("utter_elder_guide_intro", True, item=item["name"]),
                "sources": [render.source_of("item", item)],
            }
        )
        return events[:2] + choices.ask(dispatcher, "utter_elder_guide_menu", options, elder=True)
    card = render.guide_card(item, ctx.region)
    card["sources"] = [render.source_of("item", item)]
    dispatcher.utter_message(json_message=card)
    return events


def offer_items(
    dispatcher: CollectingDispatcher, item_ids: List[str], aspect: str, response: str = "utter_ask_which_of_items"
) -> List[Dict]:
    names = catalog()
    options = [choices.Option(f"item:{i}", names.name(i) or i) for i in item_ids]
    return choices.ask(dispatcher, response, options, {PENDING_SLOT: aspect})
