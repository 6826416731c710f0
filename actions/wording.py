"""The bot's wording: every sentence a citizen reads is a response of the Rasa domain (bot/domain/*.yml,
`utter_*`), never a string in the actions. The actions render a response here — its 长辈模式 variation when
the conversation is in elder mode (a variation with `condition: [{type: slot, name: elder_mode, value: true}]`,
the way Rasa chooses one), its `{variables}` filled from the call and from the province's profile
(actions/platform/profile.py: `{platform}`, `{platform_short}`, `{app_name}`, `{hotline}`, …) — and send the
text with the response's name (`utter_action` in the bot event's metadata, as Rasa records its own responses),
so a conversation shows which response was said and tests check names, not wording.

Rendering in the action server (not in Rasa) lets one message combine a response with a link or buttons, and
lets the actions use a rendered line inside a longer answer. The responses Rasa says itself (from rules) use
the slots `platform` and `hotline`, which action_sync_channel_flags keeps equal to the profile."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.platform.profile import wording_values

__all__ = ["say", "text", "lines", "message", "responses", "wording_values", "WordingError"]

DOMAIN_DIR = Path(__file__).resolve().parents[1] / "bot" / "domain"
ELDER_SLOT = "elder_mode"
_VARIABLE = re.compile(r"{([^\n{}]+?)}")


class WordingError(KeyError):
    """A response that does not exist, or a variable nobody gave: a bug, found by the tests."""


@functools.lru_cache(maxsize=1)
def responses() -> Dict[str, List[Dict[str, Any]]]:
    """All responses of the domain, by name (read once per process)."""
    found: Dict[str, List[Dict[str, Any]]] = {}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found.update(data.get("responses") or {})
    return found


def _matches(variation: Dict[str, Any], slots: Dict[str, Any]) -> bool:
    return all(slots.get(c.get("name")) == c.get("value") for c in variation.get("condition") or [])


def variation(name: str, elder: bool = False) -> Dict[str, Any]:
    """The variation Rasa would choose: the first whose conditions hold, else the first without any."""
    variations = responses().get(name)
    if not variations:
        raise WordingError(f"no response {name} in bot/domain")
    slots = {ELDER_SLOT: bool(elder)}
    conditional = [v for v in variations if v.get("condition") and _matches(v, slots)]
    plain = [v for v in variations if not v.get("condition")]
    return (conditional or plain or variations)[0]


def fill(template: str, values: Dict[str, Any], name: str = "") -> str:
    def value(match: "re.Match[str]") -> str:
        key = match.group(1)
        if key not in values or values[key] is None:
            raise WordingError(f"{name}: no value for {{{key}}}")
        return str(values[key])

    return _VARIABLE.sub(value, template)


def text(name: str, elder: bool = False, **values: Any) -> str:
    """The response `name` as the citizen reads it."""
    return fill(variation(name, elder).get("text") or "", {**wording_values(), **values}, name)


def lines(name: str, elder: bool = False, **values: Any) -> List[str]:
    return text(name, elder, **values).split("\n")


def say(
    dispatcher: CollectingDispatcher,
    name: str,
    elder: bool = False,
    buttons: Optional[List[Dict[str, Any]]] = None,
    **values: Any,
) -> None:
    """Send the response `name` (with optional buttons)."""
    dispatcher.utter_message(text=text(name, elder, **values), buttons=buttons or [], utter_action=name)


def message(name: str, elder: bool = False, **values: Any) -> Dict[str, Any]:
    """The response as a contract text message (for actions that send json messages)."""
    return {"type": "text", "text": text(name, elder, **values)}
