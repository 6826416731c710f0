"""Search at scale: build time, index size and query latency over a generated knowledge base
(default 100,000 items, see benchmarks/search_corpus.py), single-threaded and with 8 concurrent readers
(threads of one process, and separate processes), using the citizen queries of the quality set.

    .venv/bin/python benchmarks/search_bench.py --items 100000 --workdir /tmp/search-bench

The generated database is kept in the work directory and reused when it has the requested size.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import threading
import time
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "tests" / "search" / "quality" / "queries.yml"


def percentile(values: List[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(latencies: List[float]) -> Dict[str, float]:
    return {
        "n": len(latencies),
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "mean_ms": statistics.fmean(latencies),
    }


def query_texts() -> List[str]:
    from search.evaluation import load_queries

    return [q.text for q in load_queries(QUERIES)]


def timed_queries(searcher, texts: List[str], rounds: int, seed: int) -> List[float]:
    rng = random.Random(seed)
    latencies = []
    for _ in range(rounds):
        order = list(texts)
        rng.shuffle(order)
        for text in order:
            started = time.perf_counter()
            searcher.search_page(text, limit=10)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def _process_reader(index_dir: str, texts: List[str], rounds: int, seed: int, start, out) -> None:
    from search.searcher import KnowledgeSearcher

    searcher = KnowledgeSearcher(Path(index_dir))
    searcher.search_page(texts[0])  # open the index and load the caches before the clock starts
    for text in texts:
        searcher.search_page(text)
    start.wait()
    out.put(timed_queries(searcher, texts, rounds, seed))


def concurrent_processes(index_dir: Path, texts: List[str], readers: int, rounds: int) -> List[float]:
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_process_reader, args=(str(index_dir), texts, rounds, i, start, out)) for i in range(readers)
    ]
    for proc in procs:
        proc.start()
    time.sleep(2.0)
    start.set()
    latencies: List[float] = []
    for _ in procs:
        latencies.extend(out.get(timeout=1800))
    for proc in procs:
        proc.join()
    return latencies


def concurrent_threads(searcher, texts: List[str], readers: int, rounds: int) -> List[float]:
    results: List[List[float]] = [[] for _ in range(readers)]
    barrier = threading.Barrier(readers)

    def work(i: int) -> None:
        searcher.search_page(texts[0])
        barrier.wait()
        results[i] = timed_queries(searcher, texts, rounds, i)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [x for r in results for x in r]


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description="检索性能基准（生成的大知识库）")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/search-bench"))
    parser.add_argument("--rounds", type=int, default=3, help="单线程时每条查询的轮数")
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--concurrent-rounds", type=int, default=1)
    parser.add_argument("--skip-build", action="store_true", help="沿用工作目录中已建好的索引")
    args = parser.parse_args()

    from knowledge.store import KnowledgeStore
    from search.index import build_index
    from search.layout import current_generation
    from search.searcher import KnowledgeSearcher

    sys_info = {"cpus": os.cpu_count(), "load_before": os.getloadavg()}
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = args.workdir / "kb.sqlite3"
    index_dir = args.workdir / "index"
    store = KnowledgeStore(f"sqlite:///{db}")
    if store.count("item") < args.items:
        subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "python"),
                str(ROOT / "benchmarks" / "search_corpus.py"),
                "--items",
                str(args.items),
                "--db",
                str(db),
            ],
            check=True,
        )
        store = KnowledgeStore(f"sqlite:///{db}")
    report: Dict = {"items_in_store": store.count("item"), "entries_in_store": store.count()}
    if not args.skip_build:
        shutil.rmtree(index_dir, ignore_errors=True)
        started = time.perf_counter()
        counts = build_index(store, index_dir)
        report["build_seconds"] = round(time.perf_counter() - started, 1)
        report["indexed"] = counts
    report["index_bytes"] = directory_size(current_generation(index_dir))

    texts = query_texts()
    searcher = KnowledgeSearcher(index_dir)
    started = time.perf_counter()
    searcher.search_page(texts[0])
    report["first_query_ms"] = round((time.perf_counter() - started) * 1000, 1)
    for text in texts:  # warm-up pass: caches of jieba, pinyin, per-segment columns
        searcher.search_page(text)
    report["single"] = summary(timed_queries(searcher, texts, args.rounds, 0))
    report["threads"] = summary(concurrent_threads(searcher, texts, args.readers, args.concurrent_rounds))
    report["processes"] = summary(concurrent_processes(index_dir, texts, args.readers, args.concurrent_rounds))
    sys_info["load_after"] = os.getloadavg()
    report["machine"] = sys_info
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
