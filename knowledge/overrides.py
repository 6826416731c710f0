"""A profile's overrides of shared catalogue entries: per entry id, the fields that differ.

An override file (overrides/items.yml, faqs.yml, packages.yml, apps.yml) maps entry ids to fields:

    ga-idcard-first:
      places: [...]            # places are merged by region: a region given replaces the catalogue's place
                               # for it (region "*" too), new regions are added after the catalogue's
      online: {available: true} # a mapping is merged field by field into the catalogue's mapping
      cross_region: [西南区域通办]
    jy-junior-enroll: {omit: true}  # this province does not offer the entry

The `id` of an entry cannot be overridden.
"""

from __future__ import annotations

import copy
from typing import Any, Dict

OMIT = "omit"
MERGED_BY = {"places": "region"}  # lists of mappings merged by this key instead of replaced


class OverrideError(ValueError):
    """An override file that does not have the expected shape."""


def parse_overrides(raw: Any) -> Dict[str, dict]:
    """The override file's content checked: entry id -> fields."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise OverrideError("应为“条目编号: 要改的字段”的映射")
    out: Dict[str, dict] = {}
    for entry_id, patch in raw.items():
        if not isinstance(patch, dict) or not patch:
            raise OverrideError(f"{entry_id}：应为要改的字段映射")
        if "id" in patch:
            raise OverrideError(f"{entry_id}：不能修改 id")
        if OMIT in patch and (patch[OMIT] is not True or len(patch) > 1):
            raise OverrideError(f"{entry_id}：omit 只能单独写作 omit: true")
        out[str(entry_id)] = patch
    return out


def is_omitted(patch: dict) -> bool:
    return patch.get(OMIT) is True


def _merge_by(base: list, patch: list, key: str) -> list:
    given = {row.get(key): row for row in patch if isinstance(row, dict)}
    merged = [copy.deepcopy(given.pop(row.get(key), row)) for row in base if isinstance(row, dict)]
    return merged + [copy.deepcopy(row) for row in patch if isinstance(row, dict) and row.get(key) in given]


def _merge(base: Any, patch: Any, name: str = "") -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = _merge(base.get(key), value, key)
        return merged
    if name in MERGED_BY and isinstance(base, list) and isinstance(patch, list):
        return _merge_by(base, patch, MERGED_BY[name])
    return copy.deepcopy(patch)


def apply_override(entry: dict, patch: dict) -> dict:
    """A new entry: `entry` with `patch` applied (mappings merged, places merged by region, the rest replaced)."""
    return _merge(entry, patch)
