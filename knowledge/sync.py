"""Puts a loaded profile into the store in one transaction, skipping it when nothing changed."""
from __future__ import annotations

import json
from pathlib import Path

from knowledge.loader import load_profile, source_hash
from knowledge.store import KnowledgeStore

HASH_KEY = "sample_source_hash"


def sync_profile(directory: Path, store: KnowledgeStore, force: bool = False) -> dict:
    """Loads `directory` into `store`; returns counts of entries per kind and whether it ran."""
    fingerprint = source_hash(directory)
    if not force and store.get_meta(HASH_KEY) == fingerprint:
        return {"changed": False}
    bundle = load_profile(directory)
    counts = {}
    with store.engine.begin() as conn:
        for kind, models in bundle.entries().items():
            for model in models:
                store.upsert(kind, json.loads(model.json()), conn)
            counts[kind] = len(models)
        store.set_meta("profile", bundle.profile.json(), conn)
        store.set_meta("synonyms", json.dumps([s.dict() for s in bundle.synonyms], ensure_ascii=False), conn)
        store.set_meta(HASH_KEY, fingerprint, conn)
    return {"changed": True, **counts}
