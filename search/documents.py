"""Turns knowledge-base entries into the documents the index holds."""

from __future__ import annotations

import functools
from sys import intern
from typing import Dict, Iterable, Iterator, List

from search.normalize import fold, normalize_query
from search.spelling import syllables

SEARCHABLE_KINDS = ("item", "faq", "package", "app")
KIND_PRIOR = {"item": 1.3, "package": 1.15, "app": 1.0, "faq": 1.0}
HIGH_FREQUENCY_BOOST = 1.1
MAX_PRIOR = max(KIND_PRIOR.values()) * HIGH_FREQUENCY_BOOST
COMPLETION_SEPARATOR = "\x1f"
WHOLE_PROVINCE = "*"


def _join(parts: Iterable[str]) -> str:
    return "\n".join(p for p in parts if p)


def prior(kind: str, high_frequency: bool) -> float:
    """How much a document is preferred when texts match equally: a guide over a FAQ, and 高频事项."""
    return KIND_PRIOR.get(kind, 1.0) * (HIGH_FREQUENCY_BOOST if high_frequency else 1.0)


def encode_facets(
    kind: str, department: str, online: bool, regions: List[str], high_frequency: bool, lengths: List[int]
) -> bytes:
    """The per-document column the searcher reads in bulk: filters, facets, 高频 flag and field lengths
    (characters of title, aliases, keywords, body: the length normalisation of BM25)."""
    return "\t".join(
        [kind, department, "1" if online else "0", ",".join(regions), "1" if high_frequency else "0"]
        + [str(n) for n in lengths]
    ).encode("utf-8")


def decode_facets(raw: bytes) -> tuple:
    """(kind, department, online, regions, prior, lengths)."""
    kind, department, online, regions, high_frequency, *lengths = raw.decode("utf-8").split("\t")
    return (
        intern(kind),
        intern(department),
        online == "1",
        _regions(regions),
        prior(kind, high_frequency == "1"),
        tuple(int(n) for n in lengths),
    )


@functools.lru_cache(maxsize=4096)
def _regions(joined: str) -> tuple:
    """Shared tuples: 100,000 documents name a few hundred distinct region lists."""
    return tuple(intern(r) for r in joined.split(","))


def completion_terms(title: str, aliases: List[str], kind: str) -> List[str]:
    """Autocomplete keys of a document, each `key<US>title`: the title, aliases of named entries, and the
    title's pinyin and initials (so "shebao" or "sbk" complete to 社保卡 names)."""
    keys = [normalize_query(title).replace(" ", "")]
    if kind != "faq":
        keys += [normalize_query(a).replace(" ", "") for a in aliases]
    name = keys[0]
    if name and len(name) <= 16:
        sounds = syllables(name)
        keys.append("".join(sounds))
        keys.append("".join(s[0] for s in sounds if s))
    shown = title.replace(",", "，")
    return [f"{k}{COMPLETION_SEPARATOR}{shown}" for k in dict.fromkeys(keys) if k and "," not in k]


def to_document(entry: Dict, departments: Dict[str, str]) -> Dict:
    kind = entry["kind"]
    department = departments.get(entry.get("department", ""), "")
    if kind == "item":
        title = entry["name"]
        aliases = entry.get("aliases", [])
        keywords = entry.get("themes", []) + [department]
        body = _join(
            [entry.get("conditions", "")] + [m["name"] for m in entry.get("materials", [])] + entry.get("steps", [])
        )
        regions = sorted({p["region"] for p in entry.get("places", [])}) or [WHOLE_PROVINCE]
        online = bool(entry.get("online", {}).get("available"))
    elif kind == "faq":
        title = entry["question"]
        aliases = entry.get("similar_questions", [])
        keywords = entry.get("keywords", []) + [department]
        body = entry["answer"]
        regions, online = [WHOLE_PROVINCE], False
    elif kind == "package":
        title = entry["name"]
        aliases = entry.get("aliases", [])
        keywords = ["一件事"]
        body = _join([entry.get("description", "")] + entry.get("shared_materials", []))
        regions = sorted({p["region"] for p in entry.get("places", [])}) or [WHOLE_PROVINCE]
        online = bool(entry.get("online", {}).get("available"))
    elif kind == "app":
        title = entry["name"]
        aliases = entry.get("aliases", [])
        keywords = [department]
        body = entry.get("description", "")
        regions, online = [WHOLE_PROVINCE], True
    else:
        raise ValueError(f"not a searchable kind: {kind}")
    high_frequency = bool(entry.get("high_frequency"))
    department_id = entry.get("department", "") or ""
    return {
        "key": f"{kind}:{entry['id']}",
        "kind": kind,
        "id": entry["id"],
        "title": title,
        "aliases": _join(aliases),
        "keywords": _join(k for k in keywords if k),
        "body": body,
        "department": department_id,
        "regions": ",".join(regions),
        "online": online,
        "high_frequency": high_frequency,
        "complete": ",".join(completion_terms(title, aliases, kind)),
        "facets": encode_facets(
            kind,
            department_id,
            online,
            regions,
            high_frequency,
            [len(title), len(_join(aliases)), len(_join(keywords)), len(body)],
        ),
        "phrasings": encode_phrasings([title] + list(aliases)),
        "updated": str(entry.get("updated_at") or ""),
    }


PHRASING_SEPARATOR = "\n"


def encode_phrasings(texts: Iterable[str]) -> bytes:
    """The document's own ways of asking (title, aliases or similar questions): what the semantic channel
    embeds, one vector each (search/semantic.py)."""
    return PHRASING_SEPARATOR.join(
        dict.fromkeys(t.strip().replace("\n", " ") for t in texts if t and t.strip())
    ).encode("utf-8")


def decode_phrasings(raw: bytes) -> List[str]:
    return [t for t in raw.decode("utf-8").split(PHRASING_SEPARATOR) if t] if raw else []


def entry_words(entry: Dict) -> Iterator[str]:
    if entry["kind"] in ("item", "package", "app"):
        yield entry["name"]
    if entry["kind"] == "item":
        for material in entry.get("materials", []):
            yield material["name"]


def dictionary_words(words: Iterable[str]) -> List[str]:
    """Words worth adding to jieba: 2–8 characters, folded like the text they are matched in."""
    return sorted({fold(w).strip() for w in words if w and 2 <= len(w.strip()) <= 8})
