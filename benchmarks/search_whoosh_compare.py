"""Compares the distributions of the `whoosh` module with our analyzer, on Python 3.10: import warnings,
build time of the sample index, quality on the citizen query set, query latency, Whoosh's own highlighter
on jieba's overlapping search-mode tokens, and whether our bulk postings path works.

Run it in a scratch virtual environment per distribution, never in .venv (the distributions install the
same module and must not be mixed):

    python3.10 -m venv /tmp/wc/reloaded && /tmp/wc/reloaded/bin/pip install Whoosh-Reloaded==2.7.5 \
        jieba==0.42.1 pypinyin==0.55.0 opencc-python-reimplemented==0.1.7 PyYAML pydantic==1.10.9 \
        SQLAlchemy==1.4.54 rank-bm25==0.2.2
    PYTHONPATH=. /tmp/wc/reloaded/bin/python benchmarks/search_whoosh_compare.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def distribution_of_whoosh() -> str:
    from importlib import metadata

    for name in ("Whoosh-Reloaded", "whoosh3", "Whoosh"):
        try:
            return f"{name} {metadata.version(name)}"
        except metadata.PackageNotFoundError:
            continue
    return "?"


def import_warnings() -> list:
    """Warnings printed when whoosh's modules are compiled and imported afresh (-W always)."""
    code = (
        "import warnings, whoosh, whoosh.index, whoosh.highlight, whoosh.qparser, whoosh.analysis, "
        "whoosh.codec.whoosh3, whoosh.searching"
    )
    with tempfile.TemporaryDirectory() as cache:
        out = subprocess.run(
            [sys.executable, "-W", "always", "-X", f"pycache_prefix={cache}", "-c", code],
            capture_output=True,
            text=True,
        )
    return sorted(
        {
            line.split("Warning:")[0].rsplit(":", 1)[-1].strip() + "Warning"
            for line in out.stderr.splitlines()
            if "Warning:" in line
        }
    ) + ([f"导入失败：{out.stderr.strip().splitlines()[-1]}"] if out.returncode else [])


def whoosh_highlight(index_dir: Path) -> str:
    """Whoosh's own highlighter on a title analysed in jieba search mode (overlapping tokens)."""
    from whoosh import highlight, index
    from whoosh.query import Or, Term

    from search.layout import current_generation

    ix = index.open_dir(str(current_generation(index_dir)))
    with ix.searcher() as searcher:
        overlapping = Or([Term("title", t) for t in ("居民", "身份", "身份证", "居民身份证")])
        results = searcher.search(overlapping, limit=1)
        results.formatter = highlight.HtmlFormatter(tagname="em", classname="", termclass="")
        try:
            return results[0].highlights("title") or "(空)"
        except Exception as exc:  # the point is to see whether it works
            return f"出错：{type(exc).__name__}: {exc}"


def refresh_sees_deletion(tmp: Path) -> bool:
    """Does Whoosh's own searcher.refresh() drop a document deleted after the searcher was opened?"""
    from whoosh import fields, index

    ix = index.create_in(str(tmp), fields.Schema(key=fields.ID(stored=True, unique=True)))
    with ix.writer() as writer:
        writer.add_document(key="a")
        writer.add_document(key="b")
    searcher = ix.searcher()
    searcher.document(key="a")  # the reader is in use
    with ix.writer() as writer:
        writer.delete_by_term("key", "a")
    searcher = searcher.refresh()
    found = searcher.document(key="a") is not None
    searcher.close()
    return not found


def incremental_sync_works(store, index_dir: Path) -> bool:
    """Our incremental path: publish, sync, found; withdraw, sync, gone."""
    from search.searcher import KnowledgeSearcher
    from search.sync import IndexSync

    faq = {
        "id": "faq-compare",
        "question": "电动自行车上牌在哪里办理",
        "answer": "到车管窗口办理。",
        "status": "published",
    }
    searcher = KnowledgeSearcher(index_dir)
    store.upsert("faq", faq)
    IndexSync(store, index_dir).apply_pending()
    published = [h.id for h in searcher.search("电动自行车上牌")][:1] == ["faq-compare"]
    store.upsert("faq", {**faq, "status": "draft"})
    IndexSync(store, index_dir).apply_pending()
    withdrawn = all(h.id != "faq-compare" for h in searcher.search("电动自行车上牌"))
    return published and withdrawn


def main() -> None:
    from knowledge.store import KnowledgeStore
    from knowledge.sync import sync_profile
    from search.evaluation import evaluate, load_queries
    from search.index import build_index
    from search.searcher import KnowledgeSearcher

    report = {
        "python": sys.version.split()[0],
        "whoosh": distribution_of_whoosh(),
        "import_warnings": import_warnings(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = KnowledgeStore(f"sqlite:///{tmp / 'kb.sqlite3'}")
        sync_profile(ROOT / "knowledge" / "sample" / "shanxi", store, force=True)
        started = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            build_index(store, tmp / "index")
        report["build_seconds"] = round(time.perf_counter() - started, 2)
        report["build_warnings"] = sorted({type(w.message).__name__ + ": " + str(w.message)[:80] for w in caught})
        searcher = KnowledgeSearcher(tmp / "index")
        queries = load_queries(ROOT / "tests" / "search" / "quality" / "queries.yml")
        searcher.search(queries[0].text)
        started = time.perf_counter()
        scores = evaluate(lambda text: [h.id for h in searcher.search(text, limit=10)], queries)
        report["mean_query_ms"] = round((time.perf_counter() - started) * 1000 / len(queries), 2)
        report["quality"] = {k: round(v, 3) for k, v in scores.as_dict().items()}
        from whoosh.codec import whoosh3

        # search/postings.py decodes whole blocks when the matcher has these (Whoosh 2.7 W3 codec)
        report["bulk_postings"] = all(hasattr(whoosh3.W3LeafMatcher, name) for name in ("_read_ids", "_read_weights"))
        report["whoosh_highlighter"] = whoosh_highlight(tmp / "index")
        report["incremental_sync"] = incremental_sync_works(store, tmp / "index")
        (tmp / "refresh").mkdir()
        report["whoosh_refresh_sees_deletion"] = refresh_sees_deletion(tmp / "refresh")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
