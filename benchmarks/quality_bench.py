"""External quality sets (project issue #14): the product's searcher against a plain BM25 on questions
nobody here tuned on, over the sample base and over a real FAQ base nobody here wrote.

    PYTHONPATH=. .venv/bin/python benchmarks/quality_bench.py              # both bases, Markdown tables
    PYTHONPATH=. .venv/bin/python benchmarks/quality_bench.py --base tpe   # only one base (sample | tpe)
    PYTHONPATH=. .venv/bin/python benchmarks/quality_bench.py --misses     # also list the dev questions whose first result is wrong

Sets (benchmarks/quality/, each with its own header): `sample_colloquial.yml` (colloquial questions about the
sample base knowledge/sample/shanxi, some it cannot answer), `external_tpe.yml` (citizens' questions about the
Taipei City FAQ open data, ../shared/data/tpe-faq/faqs.jsonl), `intake_12345.yml` (12345 messages labelled
complaint / help_request / suggestion / question; scored by benchmarks/intake_bench.py, this script only checks the set and
counts it here). Every set has a dev part and a held-out part (fixed by a hash of the text, rule in each header, checked
here); the figures are printed for both parts separately. THE HELD-OUT PART MUST NEVER BE USED FOR TUNING:
`--misses` therefore lists dev misses only.

Each base is loaded into a throwaway SQLite store and index in a temporary directory, through the product's own
code: the sample base with `knowledge.sync.sync_profile`; the tpe base with `knowledge.importer.import_file`
(JSONL, as staff would import it), then `search.index.build_index` and `search.searcher.KnowledgeSearcher`.

The tpe file goes in as it is, as staff would import it (issue #15): `import_file(..., mode="partial")` keeps the
ids verbatim (`GIP_94145712`), creates the 124 departments the profile does not have and imports the 37 questions
that two departments answer (both warnings), and leaves out the 2 FAQs with an empty answer (row errors; no
question in the set points at them). The import's totals are printed in the notes.

Each base runs in its own subprocess (jieba's dictionary is process-global and the index adds its user words to it).

Systems, in the same run on the same store:
  - ours: `KnowledgeSearcher.search(q, limit=10)` with the semantic channel (vectors from var/vectors.sqlite3,
    computed here for what is missing);
  - ours-lexical: the same searcher without the semantic channel;
  - bm25-q: rank-bm25 BM25Okapi over jieba search-mode tokens of the entry's question (title) + similar questions
    (aliases) only, no normalisation / synonyms / priors (the issue's baseline);
  - bm25-all: `search.evaluation.Bm25Baseline` (title, aliases, keywords and body joined), for reference.
A question counts as answered at rank r when the r-th result is one of its expected entries. Top-1, top-3 and MRR@10
over the answerable questions; the ratio is ours ÷ bm25-q. For the sample set's `none` questions: how often ours
returns any result, and the product's answer decision (`search.answer_policy.judge`: answer / choose / none).

Chat-level outcomes (answered right / offered / wrong / nothing over /api/chat on a real deployment) are
benchmarks/quality_chat.py; 12345 routing is benchmarks/intake_bench.py; `make bench-quality` runs all three.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nlu.intake import LABELS, QUESTION  # noqa: E402  (light: no Rasa)

SETS = ROOT / "benchmarks" / "quality"
SAMPLE_DIR = ROOT / "knowledge" / "sample" / "shanxi"
VECTORS = ROOT / "var" / "vectors.sqlite3"  # the product's vector cache (by text): a second run embeds nothing
TPE_FAQS = ROOT.parent / "shared" / "data" / "tpe-faq" / "faqs.jsonl"
PARTS = ("dev", "heldout")
# the quality sets asked of each base, in report order; a later set is a later blind batch with its own header
BASE_SETS = {"sample": ("sample_colloquial", "sample_colloquial_2"), "tpe": ("external_tpe", "external_tpe_2")}
# the routing sets (scored by benchmarks/intake_bench.py) and the labels each may use; an intent that is not
# one of them is a question
ROUTING_SETS = {
    "intake_12345": LABELS,
    "intake_12345_2": LABELS,
    "short_routing": LABELS[:-1] + ("check_progress", QUESTION),
}
HELDOUT_PERCENT = {
    "sample_colloquial_2": 50,
    "external_tpe_2": 50,
    "intake_12345_2": 50,
}  # the rest keep 40 (each header says which)


# -- sets ----------------------------------------------------------------------------------------------------


def expected_part(set_name: str, text: str) -> str:
    """The held-out rule written in every set's header."""
    share = HELDOUT_PERCENT.get(set_name, 40)
    return "heldout" if int(hashlib.sha256(f"{set_name}:{text}".encode()).hexdigest()[:8], 16) % 100 < share else "dev"


def load_set(name: str, text_key: str = "q") -> List[Dict]:
    rows = yaml.safe_load((SETS / f"{name}.yml").read_text(encoding="utf-8"))
    for row in rows:
        if row["part"] != expected_part(name, row[text_key]):
            raise SystemExit(f"{name}: part of {row[text_key]!r} does not follow the held-out rule")
    return rows


def tpe_faqs() -> List[Dict]:
    return [json.loads(line) for line in TPE_FAQS.read_text(encoding="utf-8").splitlines() if line.strip()]


def sample_ids() -> set:
    from knowledge.loader import load_profile

    bundle = load_profile(SAMPLE_DIR)
    return {f"{kind}:{m.id}" for kind, models in bundle.entries().items() for m in models}


def check_sets(tpe_ids: bool = True) -> Dict[str, int]:
    """Every expected id exists (the Taipei sets' ids only with `tpe_ids`: the open data sits beside the
    repository, ../shared, not in it); every row is in its part. Returns set sizes."""
    sizes: Dict[str, int] = {}
    known = {f["id"] for f in tpe_faqs()} if tpe_ids else set()
    bad: List[str] = []
    for name in BASE_SETS["tpe"]:
        rows = load_set(name)
        if tpe_ids:
            bad += [i for r in rows if r["ids"] != "none" for i in r["ids"] if i not in known]
        sizes[name] = len(rows)
    ids = sample_ids()
    for name in BASE_SETS["sample"]:
        rows = load_set(name)
        bad += [e for r in rows if r["expect"] != "none" for e in r["expect"] if e not in ids]
        sizes[name] = len(rows)
    for name, allowed in ROUTING_SETS.items():
        rows = load_set(name, "text")
        bad += [r["text"][:20] for r in rows if r["label"] not in allowed]
        sizes[name] = len(rows)
    if bad:
        raise SystemExit(f"unknown expected ids or labels: {bad}")
    return sizes


# -- systems ---------------------------------------------------------------------------------------------------


class QuestionBm25:
    """BM25Okapi over jieba search-mode tokens of each entry's title + aliases (question + similar questions)."""

    def __init__(self, store) -> None:
        from rank_bm25 import BM25Okapi

        from search.documents import SEARCHABLE_KINDS, to_document
        from search.evaluation import Bm25Baseline

        self.keys: List[str] = []
        corpus = []
        for entry in store.iter_entries():
            if entry["kind"] not in SEARCHABLE_KINDS:
                continue
            doc = to_document(entry, {})
            self.keys.append(doc["key"])
            corpus.append(Bm25Baseline._tokens(doc["title"] + " " + doc["aliases"]))
        self.tokens = Bm25Baseline._tokens
        self.bm25 = BM25Okapi(corpus)

    def rank(self, text: str, limit: int = 10) -> List[str]:
        scores = self.bm25.get_scores(self.tokens(text))
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:limit]
        return [self.keys[i] for i in order if scores[i] > 0]


def full_bm25(store) -> Callable[[str], List[str]]:
    from search.evaluation import Bm25Baseline

    base = Bm25Baseline(store)
    kinds = {}
    for entry in store.iter_entries():
        kinds.setdefault(entry["id"], entry["kind"])
    return lambda text: [f"{kinds[i]}:{i}" for i in base.rank(text)]


def scores(rank: Callable[[str], List[str]], questions: Sequence[Dict]) -> Dict[str, float]:
    top1 = top3 = mrr = 0.0
    for q in questions:
        ranked = rank(q["text"])[:10]
        position = next((n for n, key in enumerate(ranked, 1) if key in q["expect"]), None)
        if position:
            top1 += position == 1
            top3 += position <= 3
            mrr += 1.0 / position
    n = max(1, len(questions))
    return {"n": len(questions), "top1": top1 / n, "top3": top3 / n, "mrr10": mrr / n}


# -- bases -----------------------------------------------------------------------------------------------------


def load_sample(store) -> Dict:
    from knowledge.sync import sync_profile

    sync_profile(SAMPLE_DIR, store, force=True)
    return {"questions": sample_questions(), "notes": []}


def sample_questions() -> List[Dict]:
    """The sample base's sets as questions: text, set, part, expected `type:id` keys (None: unanswerable)."""
    return [
        {
            "text": r["q"],
            "set": name,
            "part": r["part"],
            "expect": set(r["expect"]) if r["expect"] != "none" else None,
        }
        for name in BASE_SETS["sample"]
        for r in load_set(name)
    ]


def tpe_key(original: str) -> str:
    return "faq:" + original  # ids are kept verbatim by the importer


def load_tpe(store) -> Dict:
    from knowledge.importer import import_file
    from knowledge.staff import StaffMember

    t0 = time.perf_counter()
    result = import_file(
        store, "faq", TPE_FAQS.name, TPE_FAQS.read_bytes(), StaffMember("quality_bench", "admin"), mode="partial"
    )
    totals = result["totals"]
    notes = [
        f"tpe 导入：{result['published']} 条 FAQ 经 knowledge.importer.import_file（JSONL，mode=partial，原样导入）发布，"
        f"{time.perf_counter() - t0:.1f} 秒；新建部门 {len(result['new_departments'])} 个，"
        f"有警告 {totals['warning']} 行，有错误未导入 {totals['error']} 行"
        f"（{', '.join(str(e['row']) for e in result['errors'])}）"
    ]
    questions = [
        {
            "text": r["q"],
            "set": name,
            "part": r["part"],
            "expect": {tpe_key(i) for i in r["ids"]} if r["ids"] != "none" else None,
        }
        for name in BASE_SETS["tpe"]
        for r in load_set(name)
    ]
    return {"questions": questions, "notes": notes}


def run_base(base: str, workdir: Path, misses: bool, sweep: bool = False) -> Dict:
    from knowledge.store import KnowledgeStore
    from search.embedder import Embedder
    from search.index import build_index
    from search.searcher import KnowledgeSearcher
    from search.semantic import open_channel

    store = KnowledgeStore(f"sqlite:///{workdir / 'kb.sqlite3'}")
    loaded = load_sample(store) if base == "sample" else load_tpe(store)
    t0 = time.perf_counter()
    counts = build_index(store, workdir / "index")
    build_s = time.perf_counter() - t0
    channel = open_channel(VECTORS)
    t0 = time.perf_counter()
    embedded = Embedder(workdir / "index", channel.store, channel.encoder).run() if channel else 0
    embed_s = time.perf_counter() - t0
    searcher = KnowledgeSearcher(workdir / "index", channel)
    lexical_only = KnowledgeSearcher(workdir / "index")
    searcher.search("预热")  # opens the index and loads its user words into jieba before the baselines tokenise
    ours = lambda text: [f"{h.type}:{h.id}" for h in searcher.search(text, limit=10)]  # noqa: E731
    lexical = lambda text: [f"{h.type}:{h.id}" for h in lexical_only.search(text, limit=10)]  # noqa: E731
    q_bm25 = QuestionBm25(store)
    systems = {"ours": ours, "ours-lexical": lexical, "bm25-q": q_bm25.rank, "bm25-all": full_bm25(store)}
    questions = loaded["questions"]
    answerable = [q for q in questions if q["expect"] is not None]
    timings = []
    for q in questions:
        t0 = time.perf_counter()
        searcher.search(q["text"], limit=10)
        timings.append(1000 * (time.perf_counter() - t0))
    timings.sort()
    out: Dict = {
        "latency_ms": (timings[len(timings) // 2], timings[int(0.95 * (len(timings) - 1))]),
        "base": base,
        "notes": loaded["notes"],
        "index": counts,
        "build_s": build_s,
        "embedded": embedded,
        "embed_s": embed_s,
        "parts": {},
    }
    if sweep:
        out["sweep"] = fusion_sweep(ours, [q for q in answerable if q["part"] == "dev"])
    for group in groups(questions):
        subset = [q for q in answerable if group_of(q) == group]
        out["parts"][group] = {name: scores(rank, subset) for name, rank in systems.items()}
    out["decisions"] = decisions(searcher, store, questions)
    if misses:
        out["misses"] = [
            (f"{q['set']} {q['text']}", ours(q["text"])[:3], sorted(q["expect"]))
            for q in answerable
            if q["part"] == "dev" and (ours(q["text"])[:1] or [""])[0] not in q["expect"]
        ]
    return out


def group_of(question: Dict) -> str:
    """A report row: the set and its part, e.g. `sample_colloquial_2 · dev`."""
    return f"{question['set']} · {question['part']}"


def groups(questions: Sequence[Dict]) -> List[str]:
    sets = list(dict.fromkeys(q["set"] for q in questions))
    ordered = sorted(questions, key=lambda q: (sets.index(q["set"]), PARTS.index(q["part"])))
    return list(dict.fromkeys(group_of(q) for q in ordered))


def fusion_sweep(ours: Callable[[str], List[str]], dev: Sequence[Dict]) -> List[Dict]:
    """Dev-part scores over a grid of the fusion's parameters (search/fusion.py). Dev only, by construction."""
    from search import fusion

    saved = (fusion.LEXICAL_WEIGHT, fusion.SEMANTIC_MARGIN)
    rows = []
    try:
        for weight in (0.0, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2, 0.5):
            for margin in (0.03, 0.06, 0.1):
                fusion.LEXICAL_WEIGHT, fusion.SEMANTIC_MARGIN = weight, margin
                rows.append({"weight": weight, "margin": margin, **scores(ours, dev)})
    finally:
        fusion.LEXICAL_WEIGHT, fusion.SEMANTIC_MARGIN = saved
    return rows


def decisions(searcher, store, questions) -> Optional[Dict]:
    """The product's answer decision (answer / choose / none) on the top hits, per part."""
    try:
        from search import answer_policy as confidence
    except Exception as exc:  # pragma: no cover - rasa_sdk missing
        return {"error": str(exc)}
    out: Dict = {}
    for part in groups(questions):
        tally = {
            "answerable": 0,
            "answer_right": 0,
            "answer_wrong": 0,
            "choose_holding": 0,
            "choose_other": 0,
            "none": 0,
            "unanswerable": 0,
            "un_answered": 0,
            "un_choose": 0,
            "un_none": 0,
            "un_any_hit": 0,
        }
        for q in (q for q in questions if group_of(q) == part):
            hits = searcher.search(q["text"], limit=10)
            level = confidence.judge(searcher, store, q["text"], hits).level
            keys = [f"{h.type}:{h.id}" for h in hits]
            if q["expect"] is None:
                tally["unanswerable"] += 1
                tally["un_any_hit"] += bool(hits)
                tally[{"answer": "un_answered", "choose": "un_choose"}.get(level, "un_none")] += 1
                continue
            tally["answerable"] += 1
            if level == confidence.ANSWER:
                tally["answer_right" if keys[0] in q["expect"] else "answer_wrong"] += 1
            elif level == confidence.CHOOSE:
                offered = [f"{h.type}:{h.id}" for h in confidence.distinct_hits(hits)]
                tally["choose_holding" if set(offered) & q["expect"] else "choose_other"] += 1
            else:
                tally["none"] += 1
        out[part] = tally
    return out


# -- report ----------------------------------------------------------------------------------------------------


def table(result: Dict) -> str:
    names = {"sample": "示例知识库", "tpe": "台北 FAQ"}
    lines = [f"### {names[result['base']]} × {' / '.join(BASE_SETS[result['base']])}", ""]
    lines += [f"- {note}" for note in result["notes"]]
    lines.append(f"- 索引：{result['index']}，建索引 {result['build_s']:.1f} 秒")
    low, high = result["latency_ms"]
    lines.append(f"- 本项目检索每问（首次问，查询向量未缓存；单线程）p50 {low:.1f} ms，p95 {high:.1f} ms")
    lines.append(
        f"- 句向量：新算 {result['embedded']} 条，{result['embed_s']:.1f} 秒（已有的从 var/vectors.sqlite3 读）"
    )
    lines += ["", "| 部分 | 条数 | 系统 | top-1 | top-3 | MRR@10 |", "| --- | --- | --- | --- | --- | --- |"]
    labels = {
        "ours": "本项目",
        "ours-lexical": "本项目（只用词面）",
        "bm25-q": "BM25（问题+相似问法）",
        "bm25-all": "BM25（全文，evaluation.py）",
    }
    for part, row in result["parts"].items():
        for name in ("ours", "ours-lexical", "bm25-q", "bm25-all"):
            s = row[name]
            lines.append(
                f"| {part} | {s['n']} | {labels[name]} | {s['top1']:.3f} | {s['top3']:.3f} | {s['mrr10']:.3f} |"
            )
        o, b = row["ours"], row["bm25-q"]
        ratio = lambda x, y: f"{x / y:.2f}×" if y else "—"  # noqa: E731
        lines.append(
            f"| {part} | {o['n']} | 比值 本项目÷BM25（问题） | {ratio(o['top1'], b['top1'])} "
            f"| {ratio(o['top3'], b['top3'])} | {ratio(o['mrr10'], b['mrr10'])} |"
        )
    if result.get("decisions"):
        lines += ["", "作答决定（search.answer_policy.judge，仅检索层面的近似，不是对话结果）："]
        for part, t in result["decisions"].items():
            if part == "error":
                lines.append(f"- 无法计算：{t}")
                continue
            lines.append(
                f"- {part}：可答 {t['answerable']} 条 → 直接答对 {t['answer_right']}、直接答错 {t['answer_wrong']}、"
                f"给选项且含正确 {t['choose_holding']}、给选项不含 {t['choose_other']}、兜底 {t['none']}；"
                f"答不了 {t['unanswerable']} 条 → 有检索结果 {t['un_any_hit']}、直接作答 {t['un_answered']}、"
                f"给选项 {t['un_choose']}、兜底 {t['un_none']}"
            )
    if result.get("sweep"):
        lines += [
            "",
            "融合参数扫描（只在 dev 上）：",
            "",
            "| 词面权重 | 语义边距 | top-1 | top-3 | MRR@10 |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {r['weight']} | {r['margin']} | {r['top1']:.3f} | {r['top3']:.3f} | {r['mrr10']:.3f} |"
            for r in result["sweep"]
        ]
    if result.get("misses"):
        lines += ["", f"dev 部分首位不对（{len(result['misses'])} 条）："]
        lines += [f"- {text} → {got} 应为 {want}" for text, got, want in result["misses"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="外部质量评测集：本项目检索 vs BM25（dev 与留出分开）")
    parser.add_argument("--base", choices=("sample", "tpe"), help="只跑一个知识库")
    parser.add_argument("--misses", action="store_true", help="列出 dev 部分首位不对的问题（留出部分不列）")
    parser.add_argument("--sweep", action="store_true", help="在 dev 上扫描融合参数（search/fusion.py）")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.base:
        with tempfile.TemporaryDirectory() as tmp:
            result = run_base(args.base, Path(tmp), args.misses, args.sweep)
        print(json.dumps(result, ensure_ascii=False, default=str) if args.json else table(result))
        return
    sizes = check_sets()
    intake = load_set("intake_12345", "text")
    from collections import Counter

    print("## 外部质量评测（issue #14）\n")
    print(
        f"评测集条数：{sizes}；各集 dev/留出："
        + "；".join(
            f"{name} {dict(Counter(r['part'] for r in load_set(name, 'text' if name in ROUTING_SETS else 'q')))}"
            for name in sizes
        )
    )
    print(
        f"intake_12345 各类（dev/留出）：{dict(Counter((r['label'], r['part']) for r in intake))}"
        "（分流的评测：benchmarks/intake_bench.py）\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for base in ("sample", "tpe"):
        cmd = [sys.executable, str(Path(__file__).resolve()), "--base", base]
        cmd += (["--misses"] if args.misses else []) + (["--sweep"] if args.sweep else [])
        print(subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout)


if __name__ == "__main__":
    main()
