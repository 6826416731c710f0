"""The slots of each form, read from the one place Rasa reads them: the forms' `required_slots` in
bot/domain/*.yml. A form's own slots that are set before it starts (`workorder_kind`: 投诉 or 建议, from the
intent) are listed here, because the domain has no such list; cancelling or finishing a form clears both."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, Tuple

import yaml

DOMAIN_DIR = Path(__file__).resolve().parents[2] / "bot" / "domain"
SET_BEFORE_START: Dict[str, Tuple[str, ...]] = {"workorder_form": ("workorder_kind",)}


@functools.lru_cache(maxsize=None)
def _domain_forms() -> Dict[str, Tuple[str, ...]]:
    forms: Dict[str, Tuple[str, ...]] = {}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        for name, spec in ((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("forms") or {}).items():
            forms[name] = tuple((spec or {}).get("required_slots") or ())
    return forms


def required_slots(form: str) -> Tuple[str, ...]:
    """The slots the form asks for, in the order it asks (as in the domain)."""
    return _domain_forms().get(form, ())


def form_slots(form: str) -> Tuple[str, ...]:
    """Every slot that belongs to the form: set before it starts, then asked for."""
    return SET_BEFORE_START.get(form, ()) + required_slots(form)
