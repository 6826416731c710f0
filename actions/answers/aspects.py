"""One part of an item's guide — materials, fee, time, place, online, conditions — or the whole guide,
as a message with its source and the guide's last-updated date; in elder mode short lines and, instead of
the whole guide, a numbered menu of its parts (one step at a time).
"""

from __future__ import annotations

import functools
from typing import Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dialogue import choices, elder_mode, render
from actions.dialogue.context import ITEM_SLOT, ItemCatalog, tracker_context
from actions.resources import knowledge_store

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
        return sections.get("办理地点", []) or ["请拨打咨询电话 " + item.get("hotline", "12345") + " 询问办理地点"]
    return sections.get(ASPECT_TITLES[aspect], [])


def aspect_message(item: Dict, aspect: str, region: Optional[str], elder: bool = False) -> Dict:
    """One part of the guide as a text message with its source."""
    lines = aspect_lines(item, aspect, region)
    title = ASPECT_TITLES[aspect]
    if aspect == "materials" and len(lines) > 1:
        lines = elder_mode.numbered(lines)
    if elder:
        body = [f"{item['name']}，{title}："]
        for line in lines:
            body += elder_mode.short_sentences(line)
        text = elder_mode.with_hotline(body)
    else:
        text = "\n".join([f"【{item['name']}】{title}："] + lines + [f"（信息更新于 {item.get('updated_at', '')}）"])
    return {"type": "text", "text": text, "sources": [render.source_of("item", item)]}


def answer_item(dispatcher: CollectingDispatcher, tracker: Tracker, item_id: str, aspect: str) -> List[Dict]:
    """Answers `aspect` (or the whole guide) of one item; the item becomes the conversation's context."""
    item = knowledge_store().get("item", item_id)
    if item is None or item.get("status", "published") != "published":
        dispatcher.utter_message(response="utter_no_answer")
        return [SlotSet(PENDING_SLOT, None)]
    ctx = tracker_context(tracker)
    events = [SlotSet(ITEM_SLOT, item_id), SlotSet(PENDING_SLOT, None), SlotSet(choices.SLOT, None)]
    if aspect != GUIDE:
        dispatcher.utter_message(json_message=aspect_message(item, aspect, ctx.region, ctx.elder_mode))
        return events
    if ctx.elder_mode:
        options = [choices.Option(f"aspect:{key}", label) for key, label in ELDER_MENU]
        dispatcher.utter_message(
            json_message={
                "type": "text",
                "text": f"好的，说说【{item['name']}】。",
                "sources": [render.source_of("item", item)],
            }
        )
        return events[:2] + choices.offer(
            dispatcher, elder_mode.with_hotline(["您想先了解哪一项？回复数字就行。"]), options
        )
    card = render.guide_card(item, ctx.region)
    card["sources"] = [render.source_of("item", item)]
    dispatcher.utter_message(json_message=card)
    return events


def offer_items(dispatcher: CollectingDispatcher, item_ids: List[str], aspect: str, prompt: str = "") -> List[Dict]:
    names = catalog()
    options = [choices.Option(f"item:{i}", names.name(i) or i) for i in item_ids]
    prompt = prompt or "您问的是下面哪一项？请回复序号，或点选："
    return choices.offer(dispatcher, prompt, options, {PENDING_SLOT: aspect})
