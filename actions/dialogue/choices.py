"""Numbered choices: offering them (buttons whose payload is `/choose_option{"number": "N"}`, so a typed
digit works the same as a tap) and reading the citizen's pick ("第二个", "2", "就是补领那个").

The offered options are kept in the slot `candidates` as references "kind:value" — item:<id>, faq:<id>,
package:<id>, app:<id>, aspect:<materials|fee|...>, place:<region>, date:<ISO>, slot:<HH:MM-HH:MM>.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.dialogue import elder_mode
from actions.dialogue.context import common_run, entity_values

SLOT = "candidates"
_FILLERS = re.compile(r"就是|我要|我选|选|那个|这个|那一个|这一个|那项|的|吧|呀|啊|呢|是|要|第|个|项|一下")
_PUNCT = re.compile(r"[\s,.!?;:，。！？；：、~～…]+")


@dataclass(frozen=True)
class Option:
    ref: str  # "kind:value"
    title: str

    @property
    def kind(self) -> str:
        return self.ref.split(":", 1)[0]

    @property
    def value(self) -> str:
        return self.ref.split(":", 1)[1]


def payload(number: int) -> str:
    return "/choose_option" + json.dumps({"number": str(number)}, ensure_ascii=False)


def offer(
    dispatcher: CollectingDispatcher,
    prompt: str,
    options: Sequence[Option],
    extra_slots: Optional[dict] = None,
    response: Optional[str] = None,
) -> List[dict]:
    """Sends the numbered options and remembers them; returns the events to return from the action.
    `prompt` is a rendered response (actions/dialogue/wording.py), `response` its name."""
    buttons = [{"title": o.title, "payload": payload(n)} for n, o in enumerate(options, start=1)]
    extra = {"utter_action": response} if response else {}
    dispatcher.utter_message(text=prompt, buttons=buttons, **extra)
    events = [SlotSet(SLOT, [o.ref for o in options])]
    for name, value in (extra_slots or {}).items():
        events.append(SlotSet(name, value))
    return events


def ask(
    dispatcher: CollectingDispatcher,
    response: str,
    options: Sequence[Option],
    extra_slots: Optional[dict] = None,
    elder: bool = False,
    **values,
) -> List[dict]:
    """Offers the options under the domain response `response` (in elder mode its elder variation, ending with
    the hotline line)."""
    lines = wording.lines(response, elder, **values)
    prompt = elder_mode.with_hotline(lines) if elder else "\n".join(lines)
    return offer(dispatcher, prompt, options, extra_slots, response=response)


def offered(tracker: Tracker, kind: Optional[str] = None) -> List[str]:
    refs = tracker.get_slot(SLOT) or []
    return [r for r in refs if kind is None or r.startswith(kind + ":")]


def pick_by_name(text: str, titles: Sequence[str]) -> Optional[int]:
    """The index of the one title that shares the most (at least two) characters in a row with `text`."""
    rest = _FILLERS.sub("", _PUNCT.sub("", text or ""))
    if len(rest) < 2:
        return None
    scores = [common_run(rest, title) for title in titles]
    best = max(scores, default=0)
    if best < 2 or scores.count(best) > 1:
        return None
    return scores.index(best)


def picked_index(tracker: Tracker, titles: Sequence[str]) -> Optional[int]:
    """Which of the offered options the latest message picks (0-based), if any."""
    for value in entity_values(tracker, "number"):
        if value.isdigit() and 1 <= int(value) <= len(titles):
            return int(value) - 1
    return pick_by_name(tracker.latest_message.get("text") or "", titles)


__all__ = ["Option", "ask", "offer", "offered", "picked_index", "pick_by_name", "payload", "SLOT"]
