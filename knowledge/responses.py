"""The bot's responses (the Rasa domain's `utter_*`, bot/domain/*.yml): every sentence a citizen reads, on
every channel. Read once per process; a response is rendered the way Rasa renders it — the first variation
whose `condition` holds (the elder-mode variations are conditioned on the slot `elder_mode`), else the first
without one — with its `{variables}` filled. The action server renders through actions/wording.py, the
gateway's channels through gateway/channels/wording.py; both give the profile's values."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Dict, List

import yaml

DOMAIN_DIR = Path(__file__).resolve().parents[1] / "bot" / "domain"
ELDER_SLOT = "elder_mode"
_VARIABLE = re.compile(r"{([^\n{}]+?)}")


class WordingError(KeyError):
    """A response that does not exist, or a variable nobody gave: a bug, found by the tests."""


@functools.lru_cache(maxsize=1)
def responses() -> Dict[str, List[Dict[str, Any]]]:
    """All responses of the domain, by name."""
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


def render(name: str, values: Dict[str, Any], elder: bool = False) -> str:
    return fill(variation(name, elder).get("text") or "", values, name)
