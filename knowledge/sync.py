"""Puts a loaded profile into the store in one transaction, skipping it when nothing changed.

Entries that staff have changed since (through the admin API, an import or a rollback) are kept: the
profile's files seed the knowledge base, they do not overwrite the staff's work. Such entries are counted
under "kept". Entries the files loaded earlier but no longer have (a profile switched to another province, an
entry removed from the files) are deleted unless staff have changed them since; they are counted under
"removed".
"""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.loader import load_profile, source_hash
from knowledge.schema import SynonymEntry, synonym_id
from knowledge.store import KnowledgeStore

HASH_KEY = "sample_source_hash"
SOURCE = "sample"
STAFF_SOURCES = {"admin", "import", "cli", "rollback"}


def sync_profile(directory: Path, store: KnowledgeStore, force: bool = False) -> dict:
    """Loads `directory` into `store`; returns counts of entries per kind and whether it ran."""
    fingerprint = source_hash(directory)
    if not force and store.get_meta(HASH_KEY) == fingerprint:
        return {"changed": False}
    bundle = load_profile(directory)
    by_kind = {kind: [json.loads(model.json()) for model in models] for kind, models in bundle.entries().items()}
    by_kind["synonym"] = [
        json.loads(SynonymEntry(id=synonym_id(s.official), official=s.official, colloquial=s.colloquial).json())
        for s in bundle.synonyms
    ]
    counts = {}
    kept = removed = 0
    with store.transaction() as conn:
        for kind, batch in by_kind.items():
            sources = store.latest_sources(kind, conn)
            fresh = [entry for entry in batch if sources.get(entry["id"]) not in STAFF_SOURCES]
            kept += len(batch) - len(fresh)
            store.bulk_upsert(kind, fresh, conn, actor="示例知识库", source=SOURCE)
            counts[kind] = len(batch)
            loaded = {entry["id"] for entry in batch}
            for entry_id in sorted(i for i, source in sources.items() if source == SOURCE and i not in loaded):
                removed += store.delete(kind, entry_id, conn, actor="示例知识库", source=SOURCE)
        store.set_meta("profile", bundle.profile.json(), conn)
        store.refresh_synonym_list(conn)
        store.set_meta(HASH_KEY, fingerprint, conn)
    return {"changed": True, **counts, "kept": kept, "removed": removed}
