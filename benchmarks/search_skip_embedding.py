"""Dev-only measurement: skip the query embedding when the lexical channel is already decisive.

    PYTHONPATH=. .venv/bin/python benchmarks/search_skip_embedding.py --base tpe
    PYTHONPATH=. .venv/bin/python benchmarks/search_skip_embedding.py --base sample

For each DEV question of the base's quality set (the held-out part is never read here): the lexical-only
ranking and its margin (best lexical score ÷ second); when the margin is ≥ R the lexical ranking is used and
no query vector is computed, otherwise the fused ranking. Prints, for several R, the share of questions that
skip the embedding, dev top-1 of the gated variant vs the product (always fused), and the CPU time
(time.process_time, one process) of one query embedding without the cache, so the saving can be estimated.
Loads the bases with benchmarks/quality_bench.py's own loaders.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import quality_bench as qb  # noqa: E402

RATIOS = (1.2, 1.5, 2.0, 3.0, 5.0)


def main() -> None:
    parser = argparse.ArgumentParser(description="dev：词面已足够确定时跳过查询向量")
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
        fused = KnowledgeSearcher(workdir / "index", channel)
        lexical = KnowledgeSearcher(workdir / "index")
        fused.search("预热")
        dev = [q for q in loaded["questions"] if q["expect"] is not None and q["part"] == "dev"]
        rows = []
        for q in dev:
            lex_hits = lexical.search(q["text"], limit=10)
            margin = (
                lex_hits[0].score / lex_hits[1].score
                if len(lex_hits) > 1 and lex_hits[1].score > 0
                else (float("inf") if lex_hits else 0.0)
            )
            lex_top = f"{lex_hits[0].type}:{lex_hits[0].id}" if lex_hits else ""
            fused_hits = fused.search(q["text"], limit=10)
            fused_top = f"{fused_hits[0].type}:{fused_hits[0].id}" if fused_hits else ""
            rows.append((margin, lex_top in q["expect"], fused_top in q["expect"]))
        texts = [q["text"] + "？" for q in dev]  # not in the LRU cache
        t0 = time.process_time()
        for text in texts:
            channel.encoder._query(text)
        embed_ms = 1000 * (time.process_time() - t0) / len(texts)
        t0 = time.process_time()
        for q in dev:
            lexical.search(q["text"] + "？", limit=10)
        lexical_ms = 1000 * (time.process_time() - t0) / len(dev)

    n = len(rows)
    product = sum(r[2] for r in rows) / n
    print(
        f"base={args.base} dev answerable={n} product top-1={product:.3f} "
        f"lexical-only top-1={sum(r[1] for r in rows) / n:.3f}"
    )
    print(f"CPU per query (process_time, {n} queries): embedding {embed_ms:.1f} ms, lexical search {lexical_ms:.1f} ms")
    print("| R | skipped | gated top-1 | product top-1 | Δ |")
    print("|---|---|---|---|---|")
    for ratio in RATIOS:
        skipped = [r for r in rows if r[0] >= ratio]
        gated = sum((r[1] if r[0] >= ratio else r[2]) for r in rows) / n
        print(f"| {ratio} | {len(skipped) / n:.2f} | {gated:.3f} | {product:.3f} | {gated - product:+.3f} |")


if __name__ == "__main__":
    main()
