"""Dev-only measurement: re-rank near ties of the fused ranking by a BM25 over the entries' questions.

    PYTHONPATH=. .venv/bin/python benchmarks/search_tie_rerank.py --base tpe   # or --base sample

Among the product's first K hits whose fused score is within DELTA of the first, the order becomes
fused score + W × (question-BM25 score ÷ the best question-BM25 score among them). Only the DEV part of the
base's quality set is read. Prints dev top-1 / top-3 over a small grid next to the product's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import quality_bench as qb  # noqa: E402

GRID = [(k, d, w) for k in (3, 5) for d in (0.01, 0.02, 0.04) for w in (0.01, 0.02, 0.05)]


def main() -> None:
    parser = argparse.ArgumentParser(description="dev：近乎并列的候选按问题 BM25 重排")
    parser.add_argument("--base", choices=("sample", "tpe"), required=True)
    args = parser.parse_args()

    from knowledge.store import KnowledgeStore
    from search.embedder import Embedder
    from search.index import build_index
    from search.searcher import KnowledgeSearcher
    from search.semantic import open_channel

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        store = KnowledgeStore(f"sqlite:///{workdir / 'kb.sqlite3'}")
        loaded = qb.load_sample(store) if args.base == "sample" else qb.load_tpe(store)
        build_index(store, workdir / "index")
        channel = open_channel(qb.VECTORS)
        Embedder(workdir / "index", channel.store, channel.encoder).run()
        searcher = KnowledgeSearcher(workdir / "index", channel)
        searcher.search("预热")
        q_bm25 = qb.QuestionBm25(store)
        index_of = {key: i for i, key in enumerate(q_bm25.keys)}
        dev = [q for q in loaded["questions"] if q["expect"] is not None and q["part"] == "dev"]
        cases = []
        for q in dev:
            hits = searcher.search(q["text"], limit=10)
            bm = q_bm25.bm25.get_scores(q_bm25.tokens(q["text"]))
            keys = [f"{h.type}:{h.id}" for h in hits]
            cases.append((keys, [h.score for h in hits], [bm[index_of[k]] if k in index_of else 0.0 for k in keys], q))

    def rate(k: int, delta: float, weight: float):
        top1 = top3 = 0
        for keys, scores, bm, q in cases:
            if not keys:
                continue
            n = sum(1 for s in scores[:k] if s >= scores[0] - delta)
            best = max(bm[:n]) or 1.0
            head = sorted(range(n), key=lambda i: -(scores[i] + weight * bm[i] / best))
            order = [keys[i] for i in head] + keys[n:]
            top1 += order[0] in q["expect"]
            top3 += any(key in q["expect"] for key in order[:3])
        return top1 / len(cases), top3 / len(cases)

    base1, base3 = rate(1, 0.0, 0.0)
    print(f"base={args.base} dev answerable={len(cases)} product top-1={base1:.3f} top-3={base3:.3f}")
    print("| K | δ | W | top-1 | top-3 |")
    print("|---|---|---|---|---|")
    for k, delta, weight in GRID:
        t1, t3 = rate(k, delta, weight)
        print(f"| {k} | {delta} | {weight} | {t1:.3f} | {t3:.3f} |")


if __name__ == "__main__":
    main()
