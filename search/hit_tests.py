"""Runs hit-test sets (命中测试, knowledge/hit_tests.py) through the chat's retrieval and answer policy.

Each question goes the way the chat's `retrieve` goes (actions/answers/question.py): the searcher's top
SEARCH_LIMIT hits, only published entries kept, then `answer_policy.judge`. Nothing is recorded: the
questions never reach kb_questions or the unanswered queue.

Outcome of a row:
  right    (答对)   answered (level answer) with the expected entry or one about the same item
                    (answer_policy.topics); for an expected "none": nothing was answered or offered;
  offered  (给出选项) level choose and the expected entry (or one about the same item) among the options;
  wrong    (答错)   answered or offered something else (for an expected "none": anything at all);
  nothing  (没答出)  level none while an entry was expected.

A change under review is evaluated on "live + this change": a private copy of the node's live index
generation with the change applied to it (the entry's draft indexed, or a deleted entry removed), its new
phrasings embedded into the shared sentence-vector cache, searched with a searcher of its own. Only the
jieba dictionary is not extended with the draft's new words (that dictionary is process-wide; adding a
draft's words would change the live chat's tokenisation before it is published).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from whoosh import index as whoosh_index

from knowledge.hit_tests import titles as stored_titles
from search import answer_policy
from search.documents import SEARCHABLE_KINDS, to_document
from search.layout import CONTEXT_FILE, current_generation, read_json, swap_current, writer_lock
from search.searcher import KnowledgeSearcher

SEARCH_LIMIT = 10  # as the chat (actions/answers/question.py)
RIGHT, OFFERED, WRONG, NOTHING = "right", "offered", "wrong", "nothing"
OUTCOMES = (RIGHT, OFFERED, WRONG, NOTHING)
OUTCOME_NAMES = {RIGHT: "答对", OFFERED: "给出选项", WRONG: "答错", NOTHING: "没答出"}
# Better to worse: a wrong answer misleads, no answer at least sends the citizen on.
RANK = {RIGHT: 3, OFFERED: 2, NOTHING: 1, WRONG: 0}
EMBED_LIMIT = 256

Overrides = Dict[Tuple[str, str], Optional[Dict[str, Any]]]


def _published(entry: Optional[Dict]) -> bool:
    return bool(entry) and entry.get("status", "published") == "published"


def _key(kind: str, entry_id: str) -> str:
    return f"{kind}:{entry_id}"


def retrieve(searcher, store, text: str, overrides: Optional[Overrides] = None):
    """(published hits, their entries, the judgement), as the chat; `overrides` replace entries read from
    the store ((kind, id) → entry, None for a deleted one)."""
    hits = searcher.search(text, limit=SEARCH_LIMIT)
    entries = store.get_many((h.type, h.id) for h in hits)
    for key, entry in (overrides or {}).items():
        if entry is None:
            entries.pop(key, None)
        else:
            entries[key] = entry
    hits = [h for h in hits if _published(entries.get((h.type, h.id)))]
    return hits, entries, answer_policy.judge(searcher, store, text, hits, entries)


def _entry_of(store, entries: Dict, overrides: Overrides, key: str) -> Optional[Dict]:
    kind, entry_id = key.split(":", 1)
    if (kind, entry_id) in overrides:
        return overrides[(kind, entry_id)]
    if (kind, entry_id) not in entries:
        entries[(kind, entry_id)] = store.get(kind, entry_id)
    return entries[(kind, entry_id)]


def run_row(searcher, store, row: Dict[str, Any], overrides: Optional[Overrides] = None) -> Dict[str, Any]:
    overrides = overrides or {}
    question, expected = row["question"], row.get("expected")
    hits, entries, judgement = retrieve(searcher, store, question, overrides)
    if judgement.level == answer_policy.ANSWER:
        got = hits[:1]
    elif judgement.level == answer_policy.CHOOSE:
        got = answer_policy.distinct_hits(hits)
    else:
        got = []
    got_out = [{"key": _key(h.type, h.id), "title": h.title} for h in got]
    if expected is None:
        outcome = RIGHT if not got else WRONG
    elif not got:
        outcome = NOTHING
    else:
        kind = expected.split(":", 1)[0]
        wanted = answer_policy.topics(kind, _entry_of(store, entries, overrides, expected))

        def fits(hit) -> bool:
            return _key(hit.type, hit.id) == expected or bool(
                wanted & answer_policy.topics(hit.type, entries.get((hit.type, hit.id)))
            )

        if any(fits(h) for h in got):
            outcome = RIGHT if judgement.level == answer_policy.ANSWER else OFFERED
        else:
            outcome = WRONG
    expected_entry = _entry_of(store, entries, overrides, expected) if expected else None
    return {
        "row": row.get("row"),
        "question": question,
        "expected": expected,
        "expected_title": _title(expected, expected_entry),
        "outcome": outcome,
        "outcome_name": OUTCOME_NAMES[outcome],
        "level": judgement.level,
        "got": got_out,
    }


def _title(key: Optional[str], entry: Optional[Dict]) -> str:
    if not key or not entry:
        return ""
    return entry.get("question") or entry.get("name") or ""


def run_rows(searcher, store, rows: List[Dict[str, Any]], overrides: Optional[Overrides] = None) -> Dict[str, Any]:
    """{"counts": {outcome: n}, "total", "rows": per-row results, "misses": the rows not answered right}."""
    results = [run_row(searcher, store, row, overrides) for row in rows]
    known = stored_titles(store, {r["expected"] for r in results if r["expected"] and not r["expected_title"]})
    for r in results:
        if r["expected"] and not r["expected_title"]:
            r["expected_title"] = known.get(r["expected"], "")
    counts = {o: sum(1 for r in results if r["outcome"] == o) for o in OUTCOMES}
    return {
        "total": len(results),
        "counts": counts,
        "rows": results,
        "misses": [r for r in results if r["outcome"] != RIGHT],
    }


def compare(before: Dict[str, Any], after: Dict[str, Any]) -> Dict[str, Any]:
    """What a change makes better or worse: rows whose outcome moved up or down (RANK)."""
    better, worse = [], []
    for old, new in zip(before["rows"], after["rows"], strict=True):
        if RANK[new["outcome"]] == RANK[old["outcome"]]:
            continue
        row = {
            "row": old["row"],
            "question": old["question"],
            "expected": old["expected"],
            "expected_title": new["expected_title"] or old["expected_title"],
            "before": {k: old[k] for k in ("outcome", "outcome_name", "got")},
            "after": {k: new[k] for k in ("outcome", "outcome_name", "got")},
        }
        (better if RANK[new["outcome"]] > RANK[old["outcome"]] else worse).append(row)
    return {"before": before["counts"], "after": after["counts"], "better": better, "worse": worse}


@contextlib.contextmanager
def with_change(searcher: KnowledgeSearcher, kind: str, entry_id: str, data: Optional[Dict[str, Any]]) -> Iterator:
    """(a searcher, overrides) for "live + this change": `data` the entry as it would be published (None
    for a deletion), on a private copy of the live index generation."""
    if kind not in SEARCHABLE_KINDS:
        raise ValueError(kind)
    live = current_generation(searcher.index_dir)
    if live is None:
        raise ValueError("no index")
    workdir = Path(tempfile.mkdtemp(prefix="hit-test-"))
    try:
        copy = workdir / live.name
        with writer_lock(searcher.index_dir):  # no commit lands half-way through the copy
            shutil.copytree(live, copy)
        swap_current(workdir, copy)
        ix = whoosh_index.open_dir(str(copy))
        departments = read_json(copy / CONTEXT_FILE, {}).get("departments", {})
        writer = ix.writer()
        entry = dict(data, id=entry_id, kind=kind, status="published") if data is not None else None
        if entry is not None:
            writer.update_document(**to_document(entry, departments))
        else:
            writer.delete_by_term("key", _key(kind, entry_id))
        writer.commit()
        semantic = searcher.semantic
        if semantic is not None:
            from search.embedder import Embedder
            from search.semantic import SemanticChannel, VectorMemory

            Embedder(workdir, semantic.store, semantic.encoder).run(limit=EMBED_LIMIT)
            semantic = SemanticChannel(semantic.store, semantic.encoder, VectorMemory(semantic.store))
        overrides: Overrides = {(kind, entry_id): entry}
        yield KnowledgeSearcher(workdir, semantic), overrides
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
