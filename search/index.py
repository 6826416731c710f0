"""Builds the Whoosh index from the knowledge store and swaps it in atomically.

Layout of the index directory:
    CURRENT              name of the live generation (replaced with os.replace: readers never see half a build)
    gen-<stamp>/         one full index generation, with words.txt (jieba user words) and synonyms.json
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Dict, List, Optional

from whoosh import index as whoosh_index
from whoosh.fields import BOOLEAN, ID, KEYWORD, STORED, TEXT, Schema

from search.analyzer import build_analyzer, load_user_words
from search.documents import SEARCHABLE_KINDS, to_document, user_words

CURRENT = "CURRENT"
WORDS_FILE = "words.txt"
SYNONYMS_FILE = "synonyms.json"


def make_schema() -> Schema:
    analyzer = build_analyzer()
    return Schema(
        key=ID(stored=True, unique=True),
        kind=ID(stored=True),
        id=ID(stored=True),
        title=TEXT(stored=True, analyzer=analyzer, field_boost=4.0),
        aliases=TEXT(analyzer=analyzer, field_boost=2.5),
        keywords=TEXT(analyzer=analyzer, field_boost=1.5),
        body=TEXT(stored=True, analyzer=analyzer),
        department=ID(stored=True),
        regions=KEYWORD(stored=True, commas=True),
        online=BOOLEAN(stored=True),
        high_frequency=BOOLEAN(stored=True),
        updated=STORED,
        prior=STORED,
    )


KIND_PRIOR = {"item": 1.3, "package": 1.15, "app": 1.0, "faq": 1.0}
HIGH_FREQUENCY_BOOST = 1.1


def prior(doc: Dict) -> float:
    """How much a document is preferred when texts match equally: a guide over a FAQ, and 高频事项."""
    return KIND_PRIOR.get(doc["kind"], 1.0) * (HIGH_FREQUENCY_BOOST if doc["high_frequency"] else 1.0)


def current_generation(index_dir: Path) -> Optional[Path]:
    pointer = Path(index_dir) / CURRENT
    if not pointer.exists():
        return None
    path = Path(index_dir) / pointer.read_text().strip()
    return path if path.exists() else None


def build_index(store, index_dir: Path) -> Dict[str, int]:
    """Full build from the store's published entries into a new generation, then an atomic swap."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    departments = {d["id"]: d["name"] for d in store.iter_entries("department")}
    synonyms: List[Dict] = json.loads(store.get_meta("synonyms") or "[]")
    entries = [e for e in store.iter_entries() if e["kind"] in SEARCHABLE_KINDS]

    generation = index_dir / f"gen-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    generation.mkdir()
    words = sorted(set(w for w in user_words(entries, departments, synonyms) if w and 2 <= len(w) <= 8))
    (generation / WORDS_FILE).write_text("\n".join(words), encoding="utf-8")
    (generation / SYNONYMS_FILE).write_text(json.dumps(synonyms, ensure_ascii=False), encoding="utf-8")
    load_user_words(words)

    ix = whoosh_index.create_in(str(generation), make_schema())
    counts: Dict[str, int] = {}
    with ix.writer(limitmb=256) as writer:
        for entry in entries:
            doc = to_document(entry, departments)
            doc["updated"] = entry.get("updated_at") or ""
            doc["prior"] = prior(doc)
            writer.add_document(**doc)
            counts[entry["kind"]] = counts.get(entry["kind"], 0) + 1

    tmp_pointer = index_dir / f"{CURRENT}.{os.getpid()}.tmp"
    tmp_pointer.write_text(generation.name)
    previous = current_generation(index_dir)
    os.replace(tmp_pointer, index_dir / CURRENT)
    _remove_old_generations(index_dir, keep={generation.name, previous.name if previous else ""})
    return counts


def _remove_old_generations(index_dir: Path, keep: set) -> None:
    """Keeps the live generation and the one before it (a reader may still hold it open)."""
    for path in index_dir.glob("gen-*"):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
