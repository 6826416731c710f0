"""Turns knowledge-base entries into the documents the index holds."""
from __future__ import annotations

from typing import Dict, Iterable, Iterator, List

SEARCHABLE_KINDS = ("item", "faq", "package", "app")


def _join(parts: Iterable[str]) -> str:
    return "\n".join(p for p in parts if p)


def to_document(entry: Dict, departments: Dict[str, str]) -> Dict:
    kind = entry["kind"]
    department = departments.get(entry.get("department", ""), "")
    if kind == "item":
        title = entry["name"]
        aliases = entry.get("aliases", [])
        keywords = entry.get("themes", []) + [department]
        body = _join([entry.get("conditions", "")] + [m["name"] for m in entry.get("materials", [])]
                     + entry.get("steps", []))
        regions = sorted({p["region"] for p in entry.get("places", [])})
        online = bool(entry.get("online", {}).get("available"))
    elif kind == "faq":
        title = entry["question"]
        aliases = entry.get("similar_questions", [])
        keywords = entry.get("keywords", []) + [department]
        body = entry["answer"]
        regions, online = ["*"], False
    elif kind == "package":
        title = entry["name"]
        aliases = entry.get("aliases", [])
        keywords = ["一件事"]
        body = _join([entry.get("description", "")] + entry.get("shared_materials", []))
        regions = sorted({p["region"] for p in entry.get("places", [])}) or ["*"]
        online = bool(entry.get("online", {}).get("available"))
    elif kind == "app":
        title = entry["name"]
        aliases = entry.get("aliases", [])
        keywords = [department]
        body = entry.get("description", "")
        regions, online = ["*"], True
    else:
        raise ValueError(f"not a searchable kind: {kind}")
    return {
        "key": f"{kind}:{entry['id']}",
        "kind": kind,
        "id": entry["id"],
        "title": title,
        "aliases": _join(aliases),
        "keywords": _join(k for k in keywords if k),
        "body": body,
        "department": entry.get("department", "") or "",
        "regions": ",".join(regions),
        "online": online,
        "high_frequency": bool(entry.get("high_frequency")),
    }


def user_words(entries: List[Dict], departments: Dict[str, str], synonyms: List[Dict]) -> Iterator[str]:
    """Names that must segment as one word: item, package and app names, 证照 and other material names,
    departments, synonym terms. Aliases are phrases ("身份证丢了补办"), not words: made words, they
    would hide their parts ("丢") from matching."""
    for entry in entries:
        if entry["kind"] in ("item", "package", "app"):
            yield entry["name"]
        if entry["kind"] == "item":
            for material in entry.get("materials", []):
                yield material["name"]
    yield from departments.values()
    for synonym in synonyms:
        yield synonym["official"]
        yield from synonym["colloquial"]
