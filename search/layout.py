"""Where an index lives on disk, its schema, and the one-writer lock.

Layout of the index directory (one per node):
    CURRENT              name of the live generation (replaced with os.replace: readers never see half a build)
    writer.lock          inter-process lock (flock) held by whoever writes: a full build's swap, an incremental sync
    gen-<stamp>/         one index generation: the Whoosh segments, and beside them
        words.txt        jieba user words (item, package and app names, materials, departments, synonym terms)
        synonyms.json    the staff synonym table (colloquial → official)
        context.json     department names and the region tree (county → city), for filters and facets

The change sequence applied to a generation is kept *inside* the Whoosh index, in the stored fields of one
special document (key `__sync__`): it is committed by the same atomic TOC write as the documents it
accounts for, so a crash can neither lose a change nor count one that was not written.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from whoosh.fields import BOOLEAN, COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from search.analyzer import build_analyzer

CURRENT = "CURRENT"
LOCK_FILE = "writer.lock"
WORDS_FILE = "words.txt"
SYNONYMS_FILE = "synonyms.json"
CONTEXT_FILE = "context.json"
SYNC_KEY = "__sync__"
SYNC_KIND = "__sync__"

FIELD_BOOSTS = {"title": 4.0, "aliases": 2.5, "keywords": 1.5, "body": 1.0}
SEARCH_FIELDS = tuple(FIELD_BOOSTS)


class IndexMissing(RuntimeError):
    """No index has been built yet in the configured directory."""


class WriterBusy(RuntimeError):
    """Another process holds the index writer lock longer than we were willing to wait."""


def make_schema() -> Schema:
    analyzer = build_analyzer()
    # No positions (phrase=False): jieba's search mode stores character offsets as positions, so phrase
    # queries would be unreliable anyway, and positions double the postings.
    return Schema(
        key=ID(stored=True, unique=True),
        kind=ID(stored=True),
        id=ID(stored=True),
        title=TEXT(stored=True, analyzer=analyzer, phrase=False, field_boost=FIELD_BOOSTS["title"]),
        aliases=TEXT(analyzer=analyzer, phrase=False, field_boost=FIELD_BOOSTS["aliases"]),
        keywords=TEXT(analyzer=analyzer, phrase=False, field_boost=FIELD_BOOSTS["keywords"]),
        body=TEXT(stored=True, analyzer=analyzer, phrase=False),
        department=ID(stored=True),
        regions=KEYWORD(stored=True, commas=True),
        online=BOOLEAN(stored=True),
        high_frequency=BOOLEAN(stored=True),
        complete=KEYWORD(commas=True, lowercase=False),
        facets=COLUMN(),
        phrasings=COLUMN(),
        updated=STORED,
        state=STORED,
    )


def current_generation(index_dir: Path) -> Optional[Path]:
    pointer = Path(index_dir) / CURRENT
    try:
        name = pointer.read_text().strip()
    except FileNotFoundError:
        return None
    path = Path(index_dir) / name
    return path if name and path.exists() else None


def swap_current(index_dir: Path, generation: Path) -> None:
    """Points CURRENT at `generation` atomically (write a temporary pointer, fsync, rename)."""
    index_dir = Path(index_dir)
    tmp = index_dir / f"{CURRENT}.{os.getpid()}.tmp"
    with open(tmp, "w") as handle:
        handle.write(generation.name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)


def new_generation_dir(index_dir: Path) -> Path:
    path = Path(index_dir) / f"gen-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**9}"
    path.mkdir(parents=True)
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(str(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def writer_lock(index_dir: Path, timeout: float = 60.0) -> Iterator[None]:
    """The one-writer lock of an index directory, across processes (flock: released if the holder dies)."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    handle = open(index_dir / LOCK_FILE, "a+")
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise WriterBusy(f"索引正被其他进程写入：{index_dir}") from exc
                time.sleep(0.05)
        yield
    finally:
        handle.close()  # closing the descriptor releases the flock


def write_json_atomic(path: Path, data) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path, default):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


def read_words(generation: Path) -> List[str]:
    try:
        return (generation / WORDS_FILE).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []


def region_tree(profile_json: Optional[str]) -> Dict[str, str]:
    """county → city, and city → city, from the stored profile (Regions)."""
    tree: Dict[str, str] = {}
    if not profile_json:
        return tree
    profile = json.loads(profile_json)
    for city in profile.get("cities", []):
        tree[city["name"]] = city["name"]
        for county in city.get("counties", []):
            tree.setdefault(county["name"], city["name"])
    return tree
