"""Export of entries in the import formats, so that an export imports back to the same knowledge base.

Exported: every live entry with its status, and the drafts of entries that have never been published
(status draft). Open changes of live entries are not exported: they are work in progress.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from knowledge.store import KnowledgeStore
from knowledge.tabular import write_csv, write_jsonl, write_xlsx
from knowledge.workflow import KIND_NAMES, Workflow

JOINERS = {"similar_questions": "|", "keywords": ",", "items": ",", "colloquial": "|"}
COLUMNS = {
    "faq": ("id", "question", "similar_questions", "answer", "department", "keywords", "status", "items"),
    "synonym": ("id", "official", "colloquial", "status"),
}
"""Column order of tabular exports: the contract's FAQ columns, then the optional ones."""
BOOKKEEPING = ("editor", "reviewer")


def export_entries(store: KnowledgeStore, kind: str) -> List[Dict[str, Any]]:
    out = [dict(entry) for entry in store.iter_entries(kind, status=None)]
    for entry in out:
        entry.pop("kind", None)
    live_ids = {entry["id"] for entry in out}
    total, changes = Workflow(store).open_changes(kind=kind, limit=1_000_000)
    for change in changes:
        if change["base_version"] == 0 and change["action"] == "save" and change["id"] not in live_ids:
            out.append(dict(change["data"], status="draft"))
    return sorted(out, key=lambda e: e["id"])


def _tabular(entry: Dict[str, Any], columns: Tuple[str, ...]) -> Dict[str, str]:
    row = {}
    for column in columns:
        value = entry.get(column, "")
        row[column] = JOINERS.get(column, ",").join(value) if isinstance(value, list) else str(value or "")
    return row


def export_file(store: KnowledgeStore, kind: str, fmt: str) -> bytes:
    found = export_entries(store, kind)
    if fmt == "jsonl":
        return write_jsonl({k: v for k, v in e.items() if k not in BOOKKEEPING} for e in found)
    columns = COLUMNS.get(kind)
    if columns is None:
        raise ValueError(f"{KIND_NAMES[kind]}只能导出为 JSONL")
    rows = (_tabular(e, columns) for e in found)
    return write_csv(columns, rows) if fmt == "csv" else write_xlsx(columns, rows, KIND_NAMES[kind])
