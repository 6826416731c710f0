"""长辈模式 (elder mode) for one conversation: asked for by the citizen ("字大点/说简单点/长辈模式"), or
turned on by the channel (`elder_mode` in the message metadata, e.g. the app's 长辈版).

In elder mode replies use short sentences, one per line, one step at a time, numbered options that can be
answered with a digit, and always end with the hotline. The slot `elder_mode` carries the mode across
turns; responses in the domain have elder variants conditioned on it.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.dialogue.context import latest_metadata
from actions.platform.profile import wording_values

SLOT = "elder_mode"
TURN_OFF_WORDS = ("关闭", "退出", "取消", "关掉", "不用长辈", "普通模式", "标准模式", "正常模式")
_SENTENCE_END = re.compile(r"(?<=[。；！？!?;])")


def is_on(tracker: Tracker) -> bool:
    return bool(tracker.get_slot(SLOT) or latest_metadata(tracker).get("elder_mode") is True)


def short_sentences(text: str) -> List[str]:
    """A paragraph as one sentence per line (nothing dropped)."""
    parts = []
    for line in (text or "").splitlines():
        parts += [p.strip() for p in _SENTENCE_END.split(line) if p.strip()]
    return parts


def hotline_line() -> str:
    return wording.text("utter_elder_hotline_line", elder=True)


def with_hotline(lines: List[str]) -> str:
    return "\n".join(lines + [hotline_line()])


def numbered(lines: List[str]) -> List[str]:
    return [f"{n}. {line}" for n, line in enumerate(lines, start=1)]


def profile_slots() -> Dict[str, str]:
    """The profile's values the responses Rasa says itself name ({platform_short}, {hotline})."""
    values = wording_values()
    return {"platform_short": values["platform_short"], "hotline": values["hotline"]}


class ActionSyncChannelFlags(Action):
    """Run by action_extract_slots every turn (custom slot mapping): takes `elder_mode` and `region`
    from the channel's metadata, and keeps the profile's slots current. The channel can turn elder mode on;
    only the citizen turns it off."""

    def name(self) -> Text:
        return "action_sync_channel_flags"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        metadata = latest_metadata(tracker)
        events = []
        if metadata.get("elder_mode") is True and not tracker.get_slot(SLOT):
            events.append(SlotSet(SLOT, True))
        for slot, value in profile_slots().items():
            if value and tracker.get_slot(slot) != value:
                events.append(SlotSet(slot, value))
        region = metadata.get("region")
        if isinstance(region, str) and region.strip() and region.strip() != tracker.get_slot("region"):
            events.append(SlotSet("region", region.strip()))
        return events


class ActionElderMode(Action):
    """The citizen asks for (or leaves) elder mode."""

    def name(self) -> Text:
        return "action_elder_mode"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = tracker.latest_message.get("text") or ""
        if any(word in text for word in TURN_OFF_WORDS):
            wording.say(dispatcher, "utter_elder_mode_off")
            return [SlotSet(SLOT, False)]
        wording.say(dispatcher, "utter_elder_mode_on", elder=True)
        return [SlotSet(SLOT, True)]
