"""Field-by-field difference between two versions of an entry, for reviewers."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from knowledge.problems import label

BOOKKEEPING = ("editor", "reviewer", "updated_at", "status")


def diff_entries(
    old: Optional[Dict[str, Any]], new: Optional[Dict[str, Any]], include_bookkeeping: bool = False
) -> List[Dict[str, Any]]:
    """[{field, label, change: added|removed|changed, old, new[, added_items, removed_items]}].

    `old` None means the entry is new, `new` None that it was deleted. Lists also say which elements
    were added and removed, so a reviewer sees "相似问法 +2" without comparing by eye."""
    old = old or {}
    new = new or {}
    out: List[Dict[str, Any]] = []
    for name in list(dict.fromkeys(list(old) + list(new))):
        if name in BOOKKEEPING and not include_bookkeeping:
            continue
        before, after = old.get(name), new.get(name)
        if before == after or (before in (None, "", [], {}) and after in (None, "", [], {})):
            continue
        change = "added" if name not in old else "removed" if name not in new else "changed"
        row = {"field": name, "label": label(name), "change": change, "old": before, "new": after}
        if isinstance(before, list) or isinstance(after, list):
            before_list, after_list = before or [], after or []
            row["added_items"] = [x for x in after_list if x not in before_list]
            row["removed_items"] = [x for x in before_list if x not in after_list]
        out.append(row)
    return out
