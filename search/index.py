"""Full build of the index from the knowledge store into a new generation, then an atomic swap.

The build notes the store's latest change sequence *before* it reads the entries and records it in the
new generation; just before the swap, under the writer lock, it applies the changes made while it was
building (search/sync.py), so a rebuild never loses an edit made meanwhile. Readers keep the old
generation open until they notice the new CURRENT; the old generation is removed at the next rebuild.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Dict

from whoosh import index as whoosh_index

from search.documents import SEARCHABLE_KINDS, entry_words, to_document
from search.layout import CURRENT, current_generation, make_schema, new_generation_dir, swap_current, writer_lock
from search.sync import IndexSync, load_context, sync_document, write_context

# Re-exported for callers that only need the layout.
__all__ = ["build_index", "current_generation", "CURRENT"]
BUILDING = "BUILDING"


def _published(store):
    for entry in store.iter_entries():
        if entry["kind"] in SEARCHABLE_KINDS:
            yield entry


def build_index(store, index_dir: Path, limitmb: int = 256, lock_timeout: float = 300.0) -> Dict[str, int]:
    """Builds a new generation from the store's published entries and swaps it in; returns counts by kind."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    start_seq = store.latest_change()
    context = load_context(store)
    generation = new_generation_dir(index_dir)
    (generation / BUILDING).write_text(str(os.getpid()))
    try:
        write_context(generation, context, (w for entry in _published(store) for w in entry_words(entry)))
        ix = whoosh_index.create_in(str(generation), make_schema())
        counts: Dict[str, int] = {}
        writer = ix.writer(limitmb=limitmb)
        try:
            for entry in _published(store):
                writer.add_document(**to_document(entry, context["departments"]))
                counts[entry["kind"]] = counts.get(entry["kind"], 0) + 1
            writer.add_document(**sync_document(start_seq, {}))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        with writer_lock(index_dir, lock_timeout):
            IndexSync(store, index_dir).apply_to(generation)
            previous = current_generation(index_dir)
            (generation / BUILDING).unlink()
            swap_current(index_dir, generation)
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    _remove_old_generations(index_dir, keep={generation.name, previous.name if previous else ""})
    return counts


def _remove_old_generations(index_dir: Path, keep: set) -> None:
    """Keeps the live generation, the one before it (a reader may still hold it open) and any another
    process is still building."""
    for path in index_dir.glob("gen-*"):
        if path.name not in keep and not _being_built(path):
            shutil.rmtree(path, ignore_errors=True)


def _being_built(generation: Path) -> bool:
    try:
        pid = int((generation / BUILDING).read_text().strip() or 0)
    except (FileNotFoundError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
