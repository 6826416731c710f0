"""Conversation context: who is asking (metadata), and which item a message is about.

Context carry-over: once an item is known (slot `item`), "要什么材料 / 多少钱 / 能网上办吗 / 在哪办"
refer to it; a message that names another item replaces it. `resolve_items` decides, in this order:

1. item entities from the gazetteer (several → the citizen chooses);
2. nothing left once the aspect words and fillers are removed ("那在哪办") → the item in context;
3. the rest of the message matched against item names and aliases ("离婚要带啥" → 离婚登记; "驾照" is in
   several items' names → the citizen chooses);
4. an item in context and nothing that names another one ("我家孩子的呢") → the item in context;
5. item search (retrieval) among items sharing words with the message: one clear winner, or the close
   ones to choose from.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.platform.profile import platform_profile
from actions.platform.submission import TrackerContext
from actions.resources import KB_REREAD_SECONDS

ITEM_SLOT = "item"
# Intent → the part of the guide it asks for.
ASPECT_OF_INTENT = {
    "ask_materials": "materials",
    "ask_fee": "fee",
    "ask_time": "time",
    "ask_location": "location",
    "ask_online": "online",
    "ask_conditions": "conditions",
    "ask_guide": "guide",
}
# Words that ask for an aspect or only carry the sentence; what is left names the item.
ASPECT_WORDS = [
    "办事指南",
    "办理指南",
    "办理流程",
    "办事流程",
    "流程",
    "指南",
    "步骤",
    "手续",
    "程序",
    "攻略",
    "什么材料",
    "哪些材料",
    "材料",
    "资料",
    "证件",
    "带什么",
    "带啥",
    "拿什么",
    "准备什么",
    "准备啥",
    "准备",
    "多少钱",
    "多少",
    "收费",
    "收不收费",
    "费用",
    "要钱",
    "花钱",
    "免费",
    "价格",
    "工本费",
    "钱",
    "多长时间",
    "多久",
    "几天",
    "时限",
    "时间",
    "什么时候",
    "几点",
    "上班",
    "下班",
    "办公",
    "在哪里",
    "在哪儿",
    "在哪",
    "哪里",
    "哪儿",
    "去哪",
    "地点",
    "地址",
    "窗口",
    "大厅",
    "网上",
    "线上",
    "手机上",
    "手机",
    "网办",
    "在线",
    "掌上",
    "不用跑",
    "跑腿",
    "app",
    "APP",
    "条件",
    "资格",
    "符合",
    "要求",
    "谁能",
    "谁可以",
]
FILLERS = [
    "请问",
    "一下",
    "我想",
    "我要",
    "想要",
    "知道",
    "问问",
    "问下",
    "还有",
    "那么",
    "那个",
    "这个",
    "那",
    "这",
    "它",
    "的",
    "呢",
    "吗",
    "嘛",
    "啊",
    "呀",
    "吧",
    "了",
    "么",
    "能不能",
    "可不可以",
    "可以",
    "能",
    "是不是",
    "需要",
    "要",
    "得",
    "怎么",
    "怎样",
    "如何",
    "什么",
    "啥",
    "哪些",
    "办理",
    "办",
    "去",
    "弄",
    "交",
    "给",
    "我",
    "你",
    "们",
    "都",
    "还",
    "也",
    "就",
    "在",
    "有",
    "没有",
    "是",
    "不",
]
_PUNCT = re.compile(r"[\s,.!?;:，。！？；：、~～…\"'“”‘’()（）\[\]【】]+")
_STRIP = sorted(ASPECT_WORDS + FILLERS, key=len, reverse=True)

CLEAR_WINNER_RATIO = 1.25  # top score this much above the second → no need to ask
CLOSE_RATIO = 0.8  # hits this close to the top are offered as choices
MAX_CHOICES = 4


def latest_metadata(tracker: Tracker) -> Dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


def tracker_context(tracker: Tracker) -> TrackerContext:
    metadata = latest_metadata(tracker)
    token = metadata.get("identity_token")
    return TrackerContext(
        sender_id=tracker.sender_id,
        identity_token=token if isinstance(token, str) and token.strip() else None,
        channel=str(metadata.get("channel") or "app"),
        region=tracker.get_slot("region") or metadata.get("region"),
        elder_mode=bool(tracker.get_slot("elder_mode") or metadata.get("elder_mode")),
    )


def entity_values(tracker: Tracker, entity: str) -> List[str]:
    """Distinct values of an entity in the latest message, in order."""
    values: List[str] = []
    for found in tracker.latest_message.get("entities") or []:
        if found.get("entity") == entity and found.get("value") not in values and found.get("value"):
            values.append(str(found["value"]))
    return values


def platform_words() -> List[str]:
    """The names of the province's platform, app and mini-program (from the profile): like "在手机上", they
    say where to do something, not what."""
    profile = platform_profile()
    names = (profile.get(k) for k in ("platform", "platform_short", "app_name", "mini_program_name"))
    return [n for n in names if isinstance(n, str) and n.strip()]


def residual_text(text: str, extra_words: Sequence[str] = ()) -> str:
    """The message without aspect words, fillers and punctuation: what is left names the item, if anything."""
    rest = _PUNCT.sub("", text or "")
    for word in sorted([*extra_words, *platform_words()], key=len, reverse=True):
        rest = rest.replace(word, "")
    for word in _STRIP:
        rest = rest.replace(word, "")
    return rest


@dataclass
class Resolution:
    """Which item(s) a message is about, and how that was decided."""

    items: List[str] = field(default_factory=list)
    source: str = "none"  # entity | context | alias | search | none

    @property
    def unique(self) -> Optional[str]:
        return self.items[0] if len(self.items) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.items) > 1


class ItemCatalog:
    """Published items' names and aliases, reread when the knowledge base changes."""

    def __init__(self, store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._version: Optional[int] = None
        self._forms: List[Tuple[str, str]] = []  # (form, item id)
        self._names: Dict[str, str] = {}
        self._forms_text: Dict[str, str] = {}

    def _refresh(self) -> None:
        version = self._store.latest_change(max_age=KB_REREAD_SECONDS)
        with self._lock:
            if version == self._version and self._names:
                return
            forms, names, texts = [], {}, {}
            for item in self._store.iter_entries("item"):
                names[item["id"]] = item["name"]
                texts[item["id"]] = "|".join([item["name"]] + list(item.get("aliases") or []))
                for form in [item["name"]] + list(item.get("aliases") or []):
                    form = _PUNCT.sub("", form)
                    if len(form) >= 2:
                        forms.append((form, item["id"]))
            self._forms, self._names, self._forms_text, self._version = forms, names, texts, version

    def name(self, item_id: str) -> Optional[str]:
        self._refresh()
        return self._names.get(item_id)

    def forms_text(self, item_id: str) -> str:
        """The item's name and aliases in one string (to check that a search hit shares words with the text)."""
        self._refresh()
        return self._forms_text.get(item_id, "")

    def exists(self, item_id: str) -> bool:
        return self.name(item_id) is not None

    def by_alias(self, rest: str) -> List[str]:
        """Items one of whose names contains `rest` or is contained in it; the longest form wins."""
        self._refresh()
        if len(rest) < 2:
            return []
        best: Dict[str, int] = {}
        for form, item_id in self._forms:
            if rest in form or (len(form) >= 3 and form in rest):
                overlap = min(len(form), len(rest))
                best[item_id] = max(best.get(item_id, 0), overlap)
        if not best:
            return []
        top = max(best.values())
        return sorted(i for i, n in best.items() if n == top)


def common_run(a: str, b: str) -> int:
    """Length of the longest common substring of `a` and `b`."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def _from_search(searcher, catalog: ItemCatalog, query: str, rest: str) -> List[str]:
    """Item hits that share at least two characters in a row with what the citizen wrote (scores alone are
    no evidence: every guide contains "材料"); one clear winner, or the close ones."""
    hits = [
        h
        for h in searcher.search_lexical(query, kind="item", limit=MAX_CHOICES + 1)
        if common_run(rest, catalog.forms_text(h.id)) >= 2
    ]
    if not hits:
        return []
    top = hits[0].score
    if len(hits) == 1 or top >= CLEAR_WINNER_RATIO * hits[1].score:
        return [hits[0].id]
    return [h.id for h in hits if h.score >= CLOSE_RATIO * top][:MAX_CHOICES]


def resolve_items(tracker: Tracker, catalog: ItemCatalog, searcher, extra_words: Sequence[str] = ()) -> Resolution:
    """Which item(s) the latest message is about; `extra_words` are more words that name no item
    (e.g. "预约" inside the appointment form)."""
    named = [i for i in entity_values(tracker, "item") if catalog.exists(i)]
    if named:
        return Resolution(named[:MAX_CHOICES], "entity")
    current = tracker.get_slot(ITEM_SLOT)
    current = current if current and catalog.exists(current) else None
    text = tracker.latest_message.get("text") or ""
    rest = residual_text(text, extra_words)
    if len(rest) < 2:
        return Resolution([current], "context") if current else Resolution()
    by_alias = catalog.by_alias(rest)
    if len(by_alias) == 1:
        return Resolution(by_alias, "alias")
    query = text  # the search sees the item words only, not "要什么材料" (which every guide contains)
    for word in sorted(list(extra_words) + ASPECT_WORDS + platform_words(), key=len, reverse=True):
        query = query.replace(word, " ")
    if by_alias:  # "驾照" is in several items' names: the citizen chooses, best-ranked first
        ranked = [h.id for h in searcher.search(query, kind="item", limit=20) if h.id in by_alias]
        ordered = ranked + [i for i in by_alias if i not in ranked]
        return Resolution(ordered[:MAX_CHOICES], "alias")
    found = _from_search(searcher, catalog, query, rest)
    if current:
        # another item only when the message names it: a certificate or life event, or three characters in a
        # row of an item's names ("公积金提取…"); "我家孩子的呢" is still about the current item
        named = (
            entity_values(tracker, "document")
            or entity_values(tracker, "life_event")
            or (found and common_run(rest, catalog.forms_text(found[0])) >= 3)
        )
        return (
            Resolution(found, "search")
            if named and found and current not in found
            else Resolution([current], "context")
        )
    return Resolution(found, "search") if found else Resolution()


def after_answer(kind: str, entry: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Events after answering from an entry: an item (or a FAQ about one item) becomes the context;
    choices offered earlier are no longer open."""
    events = [SlotSet("pending_aspect", None), SlotSet("candidates", None)]
    linked = entry.get("items") or []
    if kind == "item":
        events.append(SlotSet(ITEM_SLOT, entry["id"]))
    elif kind == "faq" and len(linked) == 1:
        events.append(SlotSet(ITEM_SLOT, linked[0]))
    return events


__all__ = [
    "after_answer",
    "latest_metadata",
    "tracker_context",
    "entity_values",
    "residual_text",
    "resolve_items",
    "Resolution",
    "ItemCatalog",
    "ASPECT_OF_INTENT",
    "ITEM_SLOT",
]
