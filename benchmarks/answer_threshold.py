"""Measures the FAQ answer threshold (search/answer_policy.py) on the graded query set
(tests/search/quality/queries.yml, questions the sample knowledge base answers) and on questions it does
not answer (UNANSWERABLE below), for a sweep of gap ratios and coverage minimums.

    .venv/bin/python benchmarks/answer_threshold.py                 # the sweep, as a Markdown table
    .venv/bin/python benchmarks/answer_threshold.py --list choose   # the queries offered as choices (or answer/none)

For each setting: answerable questions answered right (the top hit has grade ≥ 2), answered wrong, offered
as three choices (and how many of those lists hold a right answer), or sent to the fallback ladder; the
unanswerable ones answered (always wrong), offered as choices, or sent to the fallback ladder. The cost
columns weigh a wrong answer (or an answerable question sent to the fallback ladder) as W extra turns and a
choice list as one.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.store import KnowledgeStore  # noqa: E402
from knowledge.sync import sync_profile  # noqa: E402
from search import answer_policy as confidence  # noqa: E402
from search.evaluation import RELEVANT_FROM, load_queries  # noqa: E402
from search.index import build_index  # noqa: E402
from search.searcher import KnowledgeSearcher  # noqa: E402

SAMPLE_DIR = ROOT / "knowledge" / "sample" / "shanxi"
QUERIES = ROOT / "tests" / "search" / "quality" / "queries.yml"
SEARCH_LIMIT = 10
# Questions citizens ask that the sample knowledge base has no answer for: government matters it does not
# cover, and everyday questions that NLU may still send to retrieval.
UNANSWERABLE = [
    "养狗要办狗证吗",
    "捡到钱包交给谁",
    "渔船证怎么办",
    "烟草专卖许可证怎么办",
    "出租车投诉电话",
    "怎么申请专利",
    "商标注册流程",
    "律师执业证怎么办",
    "枪支持有证",
    "护林员怎么报名",
    "彩票中奖去哪领",
    "学位证丢了怎么补",
    "毕业证认证",
    "申请廉租房",
    "办理献血证",
    "怎么举报噪音扰民",
    "城管收摊位费合理吗",
    "宠物疫苗在哪打",
    "高考报名时间",
    "公务员考试报名",
    "天然气开户",
    "宽带报装",
    "种植补贴怎么领",
    "今天天气怎么样",
    "推荐个饭店",
    "股票怎么开户",
    "你喜欢吃什么",
    "孩子不听话怎么办",
    "汽车保养多少钱",
    "怎么减肥",
    "手机坏了去哪修",
    "火车票怎么改签",
    "飞机托运行李限额",
    "信用卡逾期怎么办",
    "银行卡被冻结了",
]
GAPS = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 1.01)
COVERAGES = (0.5, 0.6, 0.67, 0.75, 1.0)
RELATED = (0.01, 0.2, 0.3, 0.34, 0.5)  # swept at the chosen gap ratio and coverage minimum


def prepare(workdir: Path) -> Tuple[KnowledgeStore, KnowledgeSearcher]:
    store = KnowledgeStore(f"sqlite:///{workdir / 'kb.sqlite3'}")
    sync_profile(SAMPLE_DIR, store, force=True)
    build_index(store, workdir / "index")
    return store, KnowledgeSearcher(workdir / "index")


def sweep(store, searcher) -> Tuple[List[Dict], float]:
    queries = load_queries(QUERIES)
    answerable = [(q.text, q.grades, searcher.search(q.text, limit=SEARCH_LIMIT)) for q in queries]
    unanswerable = [(text, {}, searcher.search(text, limit=SEARCH_LIMIT)) for text in UNANSWERABLE]
    entries: Dict[tuple, Dict] = {}
    started = time.perf_counter()
    for text, _, hits in answerable:
        confidence.judge(searcher, store, text, hits, entries)
    per_query_ms = (time.perf_counter() - started) * 1000 / max(1, len(answerable))
    settings = [(gap, cov, confidence.MIN_RELATED) for cov in COVERAGES for gap in GAPS]
    settings += [
        (confidence.GAP_RATIO, confidence.MIN_COVERAGE, related)
        for related in RELATED
        if related != confidence.MIN_RELATED
    ]
    rows = []
    for gap, min_coverage, min_related in settings:
        row = {
            "gap": gap,
            "coverage": min_coverage,
            "related": min_related,
            "right": 0,
            "wrong": 0,
            "choose": 0,
            "choose_ok": 0,
            "none": 0,
            "neg_answer": 0,
            "neg_choose": 0,
            "neg_none": 0,
            "lists": {},
        }
        for text, grades, hits in answerable:
            level = confidence.judge(searcher, store, text, hits, entries, gap, min_coverage, min_related).level
            row["lists"].setdefault(level, []).append((text, [h.title for h in hits[:3]]))
            if level == confidence.ANSWER:
                row["right" if grades.get(hits[0].id, 0) >= RELEVANT_FROM else "wrong"] += 1
            elif level == confidence.CHOOSE:
                row["choose"] += 1
                offered = confidence.distinct_hits(hits)
                row["choose_ok"] += any(grades.get(h.id, 0) >= RELEVANT_FROM for h in offered)
            else:
                row["none"] += 1
        for text, _, hits in unanswerable:
            level = confidence.judge(searcher, store, text, hits, entries, gap, min_coverage, min_related).level
            row["neg_" + level] += 1
        rows.append(row)
    rows.append(old_rule(answerable, unanswerable))
    return rows, per_query_ms


def old_rule(answerable, unanswerable) -> Dict:
    """The rule before the threshold: answer the top hit whenever it scores at least 1."""
    row = {
        "gap": "—",
        "coverage": "—",
        "related": "原规则：得分 ≥ 1 即答首条",
        "right": 0,
        "wrong": 0,
        "choose": 0,
        "choose_ok": 0,
        "none": 0,
        "neg_answer": 0,
        "neg_choose": 0,
        "neg_none": 0,
        "lists": {},
    }
    for _, grades, hits in answerable:
        hits = [h for h in hits if h.score >= 1.0]
        if not hits:
            row["none"] += 1
        else:
            row["right" if grades.get(hits[0].id, 0) >= RELEVANT_FROM else "wrong"] += 1
    for _, _, hits in unanswerable:
        row["neg_answer" if any(h.score >= 1.0 for h in hits) else "neg_none"] += 1
    return row


def cost(row: Dict, wrong_weight: int) -> int:
    """Extra turns: a wrong answer, or an answerable question sent to the fallback ladder, costs W (the citizen
    reads, notices, asks again); a choice list for an answerable question costs one tap."""
    return wrong_weight * (row["wrong"] + row["none"] + row["neg_answer"]) + row["choose"]


def table(rows: List[Dict], answerable: int, unanswerable: int) -> str:
    lines = [
        f"| 差距比 | 覆盖率下限 | 兜底线 | 可答（{answerable}）：答对 | 答错 | 给 3 选项（含正确） | 兜底 "
        f"| 不可答（{unanswerable}）：误答 | 给选项 | 兜底 | 代价 W=3 | 代价 W=5 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['gap']} | {r['coverage']} | {r['related']} | {r['right']} | {r['wrong']} "
            f"| {r['choose']}（{r['choose_ok']}） "
            f"| {r['none']} | {r['neg_answer']} | {r['neg_choose']} | {r['neg_none']} | {cost(r, 3)} "
            f"| {cost(r, 5)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="FAQ 作答阈值的测量（差距比 × 覆盖率下限）")
    parser.add_argument(
        "--list",
        choices=[confidence.ANSWER, confidence.CHOOSE, confidence.NONE],
        help="列出采用当前阈值时落入该档的可答问题",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store, searcher = prepare(Path(tmp))
        rows, per_query_ms = sweep(store, searcher)
        print(table(rows, len(load_queries(QUERIES)), len(UNANSWERABLE)))
        print(
            f"\n当前阈值：差距比 {confidence.GAP_RATIO}，覆盖率下限 {confidence.MIN_COVERAGE}，"
            f"兜底线（覆盖率低于它即“没找到”）{confidence.MIN_RELATED}；"
            f"判断耗时（不含检索）平均每问 {per_query_ms:.2f} ms"
        )
        if args.list:
            current = next(
                r
                for r in rows
                if r["gap"] == confidence.GAP_RATIO
                and r["coverage"] == confidence.MIN_COVERAGE
                and r["related"] == confidence.MIN_RELATED
            )
            for text, titles in current["lists"].get(args.list, []):
                print(f"  {text}  →  {titles}")


if __name__ == "__main__":
    main()
