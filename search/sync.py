"""Keeps a node's index current from the knowledge store's change log (`kb_changes`).

`IndexSync(store, index_dir).apply_pending()` applies every change after the last sequence number this
node's index has applied: published entries are (re)indexed from their current content, drafts and
deleted entries are removed. It runs under the index directory's writer lock (one writer across
processes); the sequence reached is stored in the index itself and committed with the documents (see
search/layout.py), so a writer killed half-way leaves the index at the previous commit and the next run
re-applies from there. Applying a change is idempotent (it reads the entry's current state), so a change
applied twice does no harm either.

Sequence numbers may become visible out of order when several transactions write at once (PostgreSQL
hands out a number at insert, not at commit). A number missing below the highest one seen is kept as a
"gap" and looked for again on later runs, for `GAP_PATIENCE_SECONDS`; after that it is taken to belong
to a rolled-back transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

from whoosh import index as whoosh_index

from search.analyzer import load_user_words
from search.documents import SEARCHABLE_KINDS, dictionary_words, entry_words, to_document
from search.layout import (
    CONTEXT_FILE,
    SYNC_KEY,
    SYNC_KIND,
    SYNONYMS_FILE,
    WORDS_FILE,
    current_generation,
    read_json,
    read_words,
    region_tree,
    write_json_atomic,
    write_text_atomic,
    writer_lock,
)

logger = logging.getLogger(__name__)

BATCH = 5000
GAP_PATIENCE_SECONDS = 120.0
MAX_GAPS = 1000
# Whoosh's own segment lock: ours is already held, so only a lock left by a dead writer could make us wait.
WHOOSH_LOCK_TIMEOUT = 10.0


def synonyms_digest(synonyms_json: Optional[str]) -> str:
    return hashlib.sha256((synonyms_json or "[]").encode("utf-8")).hexdigest()[:16]


def load_context(store) -> Dict:
    """What documents and queries need besides the entries: department names, regions, synonyms."""
    synonyms_json = store.get_meta("synonyms") or "[]"
    return {
        "departments": {d["id"]: d["name"] for d in store.iter_entries("department", status=None)},
        "regions": region_tree(store.get_meta("profile")),
        "synonyms": json.loads(synonyms_json),
        "synonyms_digest": synonyms_digest(synonyms_json),
    }


def write_context(generation: Path, context: Dict, words: Iterable[str]) -> List[str]:
    """Writes the files beside the index (before the commit that needs them); returns the word list."""
    merged = dictionary_words(
        list(words)
        + list(context["departments"].values())
        + [s["official"] for s in context["synonyms"]]
        + [c for s in context["synonyms"] for c in s["colloquial"]]
    )
    write_text_atomic(generation / WORDS_FILE, "\n".join(merged))
    write_json_atomic(generation / SYNONYMS_FILE, context["synonyms"])
    write_json_atomic(
        generation / CONTEXT_FILE,
        {
            "departments": context["departments"],
            "regions": context["regions"],
            "synonyms_digest": context["synonyms_digest"],
        },
    )
    load_user_words(merged)
    return merged


def sync_document(seq: int, gaps: Dict[int, float]) -> Dict:
    state = {"seq": seq, "gaps": {str(k): v for k, v in sorted(gaps.items())[-MAX_GAPS:]}}
    return {"key": SYNC_KEY, "kind": SYNC_KIND, "id": SYNC_KEY, "state": json.dumps(state)}


def read_state(ix) -> Tuple[int, Dict[int, float]]:
    """(last applied sequence, {missing sequence: first seen}) as committed in the index."""
    with ix.searcher() as searcher:
        fields = searcher.document(key=SYNC_KEY)
    if not fields:
        return 0, {}
    state = json.loads(fields["state"])
    return int(state["seq"]), {int(k): float(v) for k, v in state.get("gaps", {}).items()}


class IndexSync:
    """Applies the store's change log to the live index generation of `index_dir`."""

    def __init__(self, store, index_dir: Path, lock_timeout: float = 60.0) -> None:
        self.store = store
        self.index_dir = Path(index_dir)
        self.lock_timeout = lock_timeout

    def apply_pending(self) -> int:
        """Applies every pending change; returns how many entries were (re)indexed or removed. With no
        index yet (a new node), builds one in full."""
        if current_generation(self.index_dir) is None:
            from search.index import build_index

            return sum(build_index(self.store, self.index_dir).values())
        with writer_lock(self.index_dir, self.lock_timeout):
            generation = current_generation(self.index_dir)
            return self.apply_to(generation) if generation else 0

    def applied_seq(self) -> int:
        generation = current_generation(self.index_dir)
        return read_state(whoosh_index.open_dir(str(generation)))[0] if generation else 0

    def apply_to(self, generation: Path) -> int:
        """Applies pending changes to one generation. The caller holds the writer lock."""
        ix = whoosh_index.open_dir(str(generation))
        context_file = read_json(generation / CONTEXT_FILE, {})
        context = {
            "departments": context_file.get("departments", {}),
            "regions": context_file.get("regions", {}),
            "synonyms": read_json(generation / SYNONYMS_FILE, []),
            "synonyms_digest": context_file.get("synonyms_digest", ""),
        }
        applied = 0
        while True:
            seq, gaps = read_state(ix)
            rows, new_seq, new_gaps = self._pending(seq, gaps)
            synonyms_json = self.store.get_meta("synonyms") or "[]"
            synonyms_changed = synonyms_digest(synonyms_json) != context["synonyms_digest"]
            profile_regions = region_tree(self.store.get_meta("profile"))
            regions_changed = profile_regions != context["regions"]
            if not rows and new_seq == seq and new_gaps == gaps and not synonyms_changed and not regions_changed:
                return applied
            if synonyms_changed:
                context["synonyms"] = json.loads(synonyms_json)
                context["synonyms_digest"] = synonyms_digest(synonyms_json)
            context["regions"] = profile_regions
            applied += self._commit(
                ix, generation, context, rows, new_seq, new_gaps, force_context=synonyms_changed or regions_changed
            )
            if len(rows) < BATCH:
                return applied

    def _pending(self, seq: int, gaps: Dict[int, float]):
        """Changes to apply (newer than `seq`, or filling a gap), the new high-water mark and gaps."""
        start = min([seq] + [g - 1 for g in gaps])
        rows = [r for r in self.store.changes_since(start, limit=BATCH + (seq - start)) if r[0] > seq or r[0] in gaps]
        rows = rows[:BATCH]
        now = time.time()
        seen = {r[0] for r in rows}
        new_seq = max([seq] + list(seen))
        new_gaps = {g: t for g, t in gaps.items() if g not in seen and now - t < GAP_PATIENCE_SECONDS}
        for missing in range(seq + 1, new_seq):
            if missing not in seen:
                new_gaps.setdefault(missing, now)
        return rows, new_seq, new_gaps

    def _commit(
        self,
        ix,
        generation: Path,
        context: Dict,
        rows: List[tuple],
        seq: int,
        gaps: Dict[int, float],
        force_context: bool,
    ) -> int:
        keys: Dict[Tuple[str, str], None] = {}
        for _, kind, entry_id in rows:
            keys[(kind, entry_id)] = None
        changed_departments: Set[str] = set()
        entries: Dict[Tuple[str, str], Optional[Dict]] = {}
        current = self.store.get_many(keys)  # one query per kind and chunk, not one per entry
        for kind, entry_id in keys:
            entry = current.get((kind, entry_id))
            if kind == "department":
                if entry is None:
                    context["departments"].pop(entry_id, None)
                else:
                    context["departments"][entry_id] = entry["name"]
                changed_departments.add(entry_id)
            elif kind in SEARCHABLE_KINDS:
                if entry is not None:
                    entry["kind"] = kind
                entries[(kind, entry_id)] = entry
        if changed_departments:
            for entry in self.store.iter_entries():
                if entry["kind"] in SEARCHABLE_KINDS and entry.get("department") in changed_departments:
                    entries.setdefault((entry["kind"], entry["id"]), entry)
        words = read_words(generation)
        new_words = [
            w for e in entries.values() if e and e.get("status", "published") == "published" for w in entry_words(e)
        ]
        if new_words or changed_departments or force_context:
            write_context(generation, context, words + new_words)
        writer = ix.writer(timeout=WHOOSH_LOCK_TIMEOUT)
        try:
            for (kind, entry_id), entry in entries.items():
                key = f"{kind}:{entry_id}"
                if entry is not None and entry.get("status", "published") == "published":
                    doc = to_document(entry, context["departments"])
                    writer.update_document(**doc)
                else:
                    writer.delete_by_term("key", key)
            writer.update_document(**sync_document(seq, gaps))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        if entries:
            logger.info("索引增量更新：%d 条（变更序号至 %d）", len(entries), seq)
        return len(entries)
