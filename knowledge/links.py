"""Checks that an entry's references point at entries that exist: linked items, departments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Tuple

from knowledge.link_schemes import bad_links, schemes_of_store
from knowledge.problems import label


@dataclass
class KnownIds:
    items: set = field(default_factory=set)
    departments: Dict[str, str] = field(default_factory=dict)  # id -> name
    link_schemes: set = field(default_factory=lambda: {"https"})  # knowledge/link_schemes.py

    @classmethod
    def load(cls, store) -> "KnownIds":
        return cls(
            items=store.ids("item"),
            departments={d["id"]: d["name"] for d in store.iter_entries("department", status=None)},
            link_schemes=schemes_of_store(store),
        )

    def department_id(self, value: str) -> str:
        """A department given by id or by name, as its id ("" when unknown)."""
        if value in self.departments:
            return value
        for dep_id, name in self.departments.items():
            if name == value:
                return dep_id
        return ""


def broken_links(kind: str, entry: Dict, known: KnownIds) -> List[Tuple[str, str]]:
    problems: List[Tuple[str, str]] = []
    department = entry.get("department") or ""
    if department and department not in known.departments:
        problems.append(("department", f"{label('department')}“{department}”不存在"))
    if kind == "item" and not department:
        problems.append(("department", f"{label('department')}不能为空"))
    linked: List[str] = []
    if kind == "faq":
        linked = entry.get("items", [])
    elif kind == "package":
        linked = entry.get("items", []) + [i for group in entry.get("together", []) for i in group]
    for item_id in dict.fromkeys(linked):
        if item_id not in known.items:
            problems.append(("items", f"{label('items')}“{item_id}”不存在"))
    problems.extend(bad_links(kind, entry, known.link_schemes))
    return problems
