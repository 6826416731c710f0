"""Chat-level outcomes on the external quality sets (project issue #14): every question of the sets in
benchmarks/quality_bench.py's BASE_SETS (sample_colloquial[_2].yml, external_tpe[_2].yml) is sent as the first
message of a new conversation to a real deployment's `/api/chat`, and the reply is scored:

  - answered right: `sources[0]` is one of the question's expected entries;
  - offered: no source, and a choice list whose buttons name an expected entry (by title);
  - wrong: `sources[0]` is another entry;
  - nothing: neither (没太明白, a clarifying question, a fallback).
A question the base cannot answer is either declined (no source: the right outcome) or answered all the same
("hard"); these are counted apart and never in the shares above, which are over the answerable questions.

    PYTHONPATH=. .venv/bin/python benchmarks/quality_chat.py            # Markdown tables
    PYTHONPATH=. .venv/bin/python benchmarks/quality_chat.py --json

The deployment is devtools/support/cluster.py (reference API, action server, one Rasa, one gateway, started as
`python -m launcher SERVICE`, embedded stores) in a temporary directory, with the sample base loaded. The
Taipei FAQs (../shared/data/tpe-faq/) are then added to the same knowledge database with the importer the
staff API uses (benchmarks/quality_bench.py's `load_tpe`: the file as it is, `mode=partial`), so the tpe
questions are asked of the sample base AND the imported FAQs together, as a province that imported a city's
FAQs would have it. The gateway's index sync and embedder pick the import up; the script waits for both.
Questions are sent one at a time (sequential latency: p50 / p95 of the /api/chat round trip). Held-out and dev
parts are reported separately; nothing here is tuned.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import quality_bench as qb  # noqa: E402

from devtools.support.cluster import Cluster, rss_kib  # noqa: E402

OUTCOMES = ("right", "offered", "wrong", "nothing")


def titles_to_keys(store) -> Dict[str, set]:
    titles = {"faq": "question", "item": "name", "package": "name", "app": "name"}
    out: Dict[str, set] = {}
    for entry in store.iter_entries():
        field = titles.get(entry["kind"])
        if field:
            out.setdefault(entry[field], set()).add(f"{entry['kind']}:{entry['id']}")
    return out


def outcome(reply: Dict, expect, by_title: Dict[str, set]) -> str:
    sources = [f"{s['type']}:{s['id']}" for s in reply.get("sources", [])]
    if expect is None:
        return "hard" if sources else "declined"
    if sources:
        return "right" if sources[0] in expect else "wrong"
    offered = {k for m in reply.get("messages", []) for b in m.get("buttons", []) for k in by_title.get(b["title"], ())}
    return "offered" if offered & expect else "nothing"


def ask(client: httpx.Client, gateway: str, text: str) -> tuple:
    started = time.perf_counter()
    response = client.post(gateway + "/api/chat", json={"sender_id": "q-" + uuid.uuid4().hex[:12], "text": text})
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return response.json(), elapsed


def wait_for_import(cluster: Cluster, store, timeout: float = 900.0) -> float:
    """Until the gateway's index has applied every change and every phrasing has its vector."""
    from search.embedder import Embedder
    from search.sync import IndexSync
    from search.vectors import VectorStore

    started = time.monotonic()
    sync = IndexSync(store, cluster.workdir / "index")
    # what is still pending needs the vector store only, not the model
    semantic = cluster.env.get("SEMANTIC_SEARCH", "true").lower() not in ("false", "0", "no")
    embedder = Embedder(cluster.workdir / "index", VectorStore(Path(cluster.env["SEMANTIC_VECTORS_PATH"])), None)
    while time.monotonic() - started < timeout:
        if sync.applied_seq() >= store.latest_change() and not (semantic and embedder.pending()):
            return time.monotonic() - started
        time.sleep(1.0)
    raise SystemExit("the import was not indexed and embedded in time")


def run(verbose: bool = False) -> Dict:
    from knowledge.store import KnowledgeStore

    result: Dict = {"sets": {}}
    with tempfile.TemporaryDirectory() as tmp:
        cluster = Cluster(Path(tmp))
        cluster.start()
        try:
            store = KnowledgeStore(cluster.env["DATABASE_URL"])
            sample = qb.sample_questions()  # the store already holds the sample base (the cluster loaded it)
            gateway = cluster.gateways[0]
            latencies: List[float] = []
            with httpx.Client(timeout=60) as client:
                ask(client, gateway, "你好")  # warm-up: model and encoder loaded in every process
                result["sets"]["sample"] = score_set(client, gateway, sample, titles_to_keys(store), latencies, verbose)
                t0 = time.perf_counter()
                loaded = qb.load_tpe(store)
                result["tpe_import_s"] = time.perf_counter() - t0
                result["tpe_indexed_s"] = wait_for_import(cluster, store)
                result["notes"] = loaded["notes"]
                result["sets"]["tpe"] = score_set(
                    client, gateway, loaded["questions"], titles_to_keys(store), latencies, verbose
                )
            ordered = sorted(latencies)
            result["latency_ms"] = {
                "n": len(ordered),
                "p50": 1000 * statistics.median(ordered),
                "p95": 1000 * ordered[int(0.95 * (len(ordered) - 1))],
            }
            result["rss_mib"] = {
                name: round(rss_kib(pid, "VmHWM") / 1024) for name, pid in sorted(cluster.pids().items())
            }
        finally:
            cluster.stop()
    return result


def score_set(client, gateway, questions, by_title, latencies, verbose) -> Dict:
    parts: Dict[str, Dict[str, int]] = {}
    for q in questions:
        reply, elapsed = ask(client, gateway, q["text"])
        latencies.append(elapsed)
        got = outcome(reply, q["expect"], by_title)
        tally = parts.setdefault(qb.group_of(q), {})
        tally[got] = tally.get(got, 0) + 1
        tally["answerable" if q["expect"] is not None else "unanswerable"] = (
            tally.get("answerable" if q["expect"] is not None else "unanswerable", 0) + 1
        )
        if verbose and q["part"] == "dev" and got not in ("right", "declined"):
            first = [s["id"] for s in reply["sources"]][:1]
            intent = (reply.get("intent") or {}).get("name")
            said = reply["messages"][0]["text"][:30] if reply.get("messages") else ""
            print(f"[{q['set']}] {got:8s} {intent:18s} {q['text']} → {first} {said}", file=sys.stderr)
    return {group: parts[group] for group in qb.groups(questions)}


def table(result: Dict) -> str:
    names = {"sample": "示例知识库", "tpe": "示例知识库 + 台北 FAQ"}
    lines = [
        "| 知识库 × 集 | 部分 | 可答题 | 答对 | 给选项含正确 | 答错 | 没答 | 答不了的题：婉拒 / 硬答 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, parts in result["sets"].items():
        for part, t in parts.items():
            n = t.get("answerable", 0)
            share = lambda k, t=t, n=n: f"{t.get(k, 0) / n:.3f}（{t.get(k, 0)}）" if n else "—"  # noqa: E731
            un = t.get("unanswerable", 0)
            lines.append(
                f"| {names[name]} × {part.replace(' · ', ' | ')} | {n} | {share('right')} | {share('offered')} | {share('wrong')} "
                f"| {share('nothing')} | {t.get('declined', 0)} / {t.get('hard', 0)}（共 {un}） |"
            )
    lat = result["latency_ms"]
    lines += [
        "",
        f"- 顺序发送 {lat['n']} 条，/api/chat 往返 p50 {lat['p50']:.0f} ms，p95 {lat['p95']:.0f} ms",
        f"- 台北 FAQ 导入 {result['tpe_import_s']:.1f} 秒，之后索引与句向量就绪 {result['tpe_indexed_s']:.1f} 秒",
        "- 各进程峰值内存（MiB）：" + "，".join(f"{k} {v}" for k, v in result["rss_mib"].items()),
    ]
    lines += [f"- {note}" for note in result.get("notes", [])]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="对话层面的外部质量评测（/api/chat）")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true", help="把 dev 部分没答对的题打印到 stderr（留出部分不打印）")
    args = parser.parse_args()
    result = run(args.misses)
    print(json.dumps(result, ensure_ascii=False, default=str) if args.json else table(result))


if __name__ == "__main__":
    main()
