"""Search quality on the graded query set (tests/search/quality/queries.yml) over the shipped sample
knowledge base: our searcher and a plain BM25 baseline (rank-bm25 over jieba tokens, same documents),
in the same run.

    .venv/bin/python benchmarks/search_quality.py            # prints a Markdown table
    .venv/bin/python benchmarks/search_quality.py --misses   # also lists queries whose best answer is not first
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Dict, Tuple

from knowledge.store import KnowledgeStore
from knowledge.sync import sync_profile
from search.evaluation import Bm25Baseline, Scores, evaluate, load_queries
from search.index import build_index
from search.searcher import KnowledgeSearcher

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "knowledge" / "sample" / "shanxi"
QUERIES = ROOT / "tests" / "search" / "quality" / "queries.yml"


def run(workdir: Path, queries_path: Path = QUERIES) -> Dict[str, Dict[str, Scores]]:
    """{"ours"|"bm25": {"all"|"noisy"|"plain": Scores}} over the sample knowledge base."""
    store = KnowledgeStore(f"sqlite:///{workdir / 'kb.sqlite3'}")
    sync_profile(SAMPLE_DIR, store, force=True)
    build_index(store, workdir / "index")
    searcher = KnowledgeSearcher(workdir / "index")
    baseline = Bm25Baseline(store)
    queries = load_queries(queries_path)
    subsets = {"all": queries, "noisy": [q for q in queries if q.noisy], "plain": [q for q in queries if not q.noisy]}
    systems = {"ours": lambda text: [h.id for h in searcher.search(text, limit=10)], "bm25": baseline.rank}
    return {
        name: {label: evaluate(rank, subset) for label, subset in subsets.items()} for name, rank in systems.items()
    }


def ratio(ours: float, base: float) -> str:
    return f"{ours / base:.2f}×" if base else "—"


def table(results: Dict[str, Dict[str, Scores]]) -> str:
    lines = ["| 查询集 | 系统 | MRR@10 | NDCG@5 | Recall@5 |", "| --- | --- | --- | --- | --- |"]
    names = {"all": "全部", "noisy": "含拼音/繁体/全角/表情", "plain": "普通口语"}
    for label in ("all", "noisy", "plain"):
        ours, base = results["ours"][label], results["bm25"][label]
        title = f"{names[label]}（{ours.count} 条）"
        lines.append(f"| {title} | 本项目 | {ours.mrr10:.3f} | {ours.ndcg5:.3f} | {ours.recall5:.3f} |")
        lines.append(f"| {title} | BM25 基线 | {base.mrr10:.3f} | {base.ndcg5:.3f} | {base.recall5:.3f} |")
        lines.append(
            f"| {title} | 比值 | {ratio(ours.mrr10, base.mrr10)} | {ratio(ours.ndcg5, base.ndcg5)} "
            f"| {ratio(ours.recall5, base.recall5)} |"
        )
    return "\n".join(lines)


def misses(workdir: Path) -> Tuple[int, list]:
    searcher = KnowledgeSearcher(workdir / "index")
    out = []
    for query in load_queries(QUERIES):
        ranked = [h.id for h in searcher.search(query.text, limit=5)]
        best = max(query.grades.values())
        if not ranked or query.grades.get(ranked[0], 0) < best:
            out.append((query.text, ranked[:3], [k for k, v in query.grades.items() if v == best]))
    return len(out), out


def main() -> None:
    parser = argparse.ArgumentParser(description="检索质量评测（本项目 vs BM25 基线）")
    parser.add_argument("--misses", action="store_true", help="列出首位不是最佳答案的查询")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = run(Path(tmp))
        print(table(results))
        if args.misses:
            count, rows = misses(Path(tmp))
            print(f"\n首位不是最佳答案：{count} 条")
            for text, ranked, best in rows:
                print(f"  {text}  →  {ranked}  应为 {best}")


if __name__ == "__main__":
    main()
