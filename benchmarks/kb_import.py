"""Import of 10,000 generated FAQs through the staff API, and how soon they are searchable.

    .venv/bin/python benchmarks/kb_import.py [--n 10000] [--postgres postgresql://postgres@127.0.0.1:5432/test]

Starts its own gateway process (uvicorn, as `make run` does; no Rasa needed) over a fresh database with the
sample knowledge base and its index, in a temporary directory. Then:
  1. POST /admin/faqs/import with a CSV of N published FAQs (the contract's columns) — timed;
  2. polls GET /api/search with the question of the file's last FAQ until it is the top result, then
     checks the exact questions of 50 FAQs spread over the file (each must be the top result) — timed
     from the import's response (the gateway's index sync applies the change log).
Prints the figures; exits 1 when import + searchable takes 60 s or more.
With --postgres the database is a new schema in that PostgreSQL database (dropped afterwards).

A real export instead of generated rows (issue #15), e.g. the Taipei FAQ open data (1,877 rows, 124 new
departments, 2 rows with an empty answer, so it goes in with `--mode partial`):

    .venv/bin/python benchmarks/kb_import.py --file ../shared/data/tpe-faq/faqs.jsonl --mode partial

The file is uploaded as it is (its name gives the format); the searchable check then uses rows of the file
whose question is unique, not over 500 characters (the search box's limit) and whose answer is not empty, and asks that the row's id be among the top 3.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.support.ports import free_port  # noqa: E402
from knowledge.loader import load_profile  # noqa: E402
from knowledge.store import KnowledgeStore  # noqa: E402
from knowledge.sync import sync_profile  # noqa: E402
from search.index import build_index  # noqa: E402

SAMPLE = ROOT / "knowledge" / "sample" / "shanxi"
TOKEN = "bench-admin-token"
ASPECTS = [
    "需要带什么材料",
    "要多少钱",
    "多久能办好",
    "在哪里办",
    "能在网上办吗",
    "需要本人到场吗",
    "可以委托别人办吗",
    "办理时间是几点",
    "需要预约吗",
    "有什么条件",
    "流程是什么",
    "进度怎么查",
    "材料不全怎么办",
    "可以异地办吗",
    "外地户口能办吗",
    "老人行动不便怎么办",
    "周末能办吗",
    "办好后怎么领取",
    "可以邮寄吗",
    "被退回了怎么办",
]
SAMPLED = 50


def generated_faqs(n: int, seed: int = 11) -> list:
    """N distinct FAQs about the sample's items, asked for a county: realistic wording, unique questions."""
    bundle = load_profile(SAMPLE)
    items = bundle.items
    counties = [(city.name, county.name) for city in bundle.profile.cities for county in city.counties]
    rng = random.Random(seed)
    combos = [(item, aspect, county) for item in items for aspect in ASPECTS for county in counties]
    rng.shuffle(combos)
    out = []
    for number, (item, aspect, (city, county)) in enumerate(combos[:n]):
        question = f"在{city}{county}办{item.name}{aspect}"
        out.append(
            {
                "id": f"faq-bench-{number:05d}",
                "question": question,
                "similar_questions": f"{county}{item.name}{aspect}|{item.aliases[0] if item.aliases else item.name}{aspect}（{county}）",
                "answer": f"{city}{county}办理{item.name}：{item.conditions[:60]}详情请咨询 {item.hotline}。",
                "department": item.department,
                "keywords": f"{item.name},{county}",
                "status": "published",
            }
        )
    return out


def to_csv(rows: list) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=["id", "question", "similar_questions", "answer", "department", "keywords", "status"]
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def file_rows(content: bytes) -> list:
    """The rows of a JSONL export that the searchable check can use: a unique question, a non-empty answer."""
    import json

    records = [json.loads(line) for line in content.decode("utf-8-sig").splitlines() if line.strip()]
    counts: dict = {}
    for r in records:
        counts[r.get("question", "")] = counts.get(r.get("question", ""), 0) + 1
    return [
        {"id": r["id"], "question": r["question"], "similar_questions": "|".join(r.get("similar_questions") or [])}
        if isinstance(r.get("similar_questions"), list)
        else {"id": r["id"], "question": r["question"], "similar_questions": r.get("similar_questions") or ""}
        for r in records
        if counts[r.get("question", "")] == 1 and str(r.get("answer", "")).strip() and len(r["question"]) <= 500
    ]  # GET /api/search takes at most 500 characters


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc): what the work costs, whatever else runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_schema(url: str):
    import sqlalchemy as sa

    schema = f"kbbench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url, future=True, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}", drop


def main() -> int:
    parser = argparse.ArgumentParser(description="导入 N 条 FAQ 的耗时与可检索时间")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--postgres", help="在该 PostgreSQL 数据库中新建临时 schema 测量")
    parser.add_argument("--no-vectors", action="store_true", help="关闭语义通道（SEMANTIC_SEARCH=false）对比")
    parser.add_argument("--vectors-timeout", type=float, default=1800, help="等句向量算完最多多少秒")
    parser.add_argument("--file", help="导入这个真实导出文件（JSONL），而不是生成的 N 条 FAQ")
    parser.add_argument("--mode", default="all", choices=("all", "partial"), help="导入接口的 mode 参数")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kb-import-bench-"))
    drop = None
    if args.postgres:
        db_url, drop = postgres_schema(args.postgres)
    else:
        db_url = f"sqlite:///{workdir / 'kb.sqlite3'}"
    store = KnowledgeStore(db_url)
    sync_profile(SAMPLE, store)
    build_index(store, workdir / "index")
    if args.file:
        content = Path(args.file).read_bytes()
        filename = Path(args.file).name
        rows = file_rows(content)
        depth = 3
    else:
        rows = generated_faqs(args.n)
        content = to_csv(rows)
        filename = "faqs.csv"
        depth = 1

    # The sample base's sentence vectors as `make index` left them (kept by text): only the imported rows'
    # phrasings are new to the gateway's embedder.
    vectors = workdir / "vectors.sqlite3"
    if (ROOT / "var" / "vectors.sqlite3").exists() and not args.no_vectors:
        shutil.copy(ROOT / "var" / "vectors.sqlite3", vectors)
    port = free_port()
    env = {
        "SEMANTIC_VECTORS_PATH": str(vectors),
        **os.environ,
        "DATABASE_URL": db_url,
        "SEARCH_INDEX_DIR": str(workdir / "index"),
        "DATA_DIR": str(workdir),
        "STAFF_ADMIN_TOKEN": TOKEN,
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
        "LOG_LEVEL": "WARNING",
        "INDEX_SYNC_INTERVAL_SECONDS": "1",
        **({"SEMANTIC_SEARCH": "false"} if args.no_vectors else {}),
    }
    env.pop("REDIS_URL", None)
    log = open(workdir / "gateway.log", "w")
    gateway = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "gateway.app:create_app",
            "--factory",
            "--ws",
            "none",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/api/search", params={"q": "身份证"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or gateway.poll() is not None:
                print("网关未能启动，见 " + str(workdir / "gateway.log"), file=sys.stderr)
                return 2
            time.sleep(0.2)

        load_before = os.getloadavg()[0]
        cpu_start = cpu_seconds(gateway.pid)
        started = time.perf_counter()
        response = httpx.post(
            base + "/admin/faqs/import",
            headers={"Authorization": f"Bearer {TOKEN}"},
            params={"mode": args.mode},
            files={"file": (filename, content, "application/octet-stream")},
            timeout=600,
        )
        imported = time.perf_counter()
        cpu_imported = cpu_seconds(gateway.pid)
        if response.status_code != 200:
            print(f"导入失败：HTTP {response.status_code} {response.text[:500]}", file=sys.stderr)
            return 1
        result = response.json()
        sample = [rows[i] for i in range(0, len(rows), max(1, len(rows) // SAMPLED))][:SAMPLED]
        pending = {row["id"]: row["question"] for row in sample}
        with httpx.Client(base_url=base, timeout=30) as client:

            def top(question: str) -> str:
                hits = client.get("/api/search", params={"q": question, "type": "faq"}).json()["results"]
                ids = [h["id"] for h in hits[:depth]]
                return question_ids.get(question) if question_ids.get(question) in ids else (ids[0] if ids else "")

            question_ids = {row["question"]: row["id"] for row in rows}

            # Poll with one question of the last rows (indexed last) so polling does not slow indexing,
            # then check the whole sample.
            last = rows[-1]
            while top(last["question"]) != last["id"] and time.perf_counter() - imported < 300:
                time.sleep(0.2)
            while pending and time.perf_counter() - imported < 300:
                for faq_id, question in list(pending.items()):
                    if top(question) == faq_id:
                        del pending[faq_id]
                if pending:
                    time.sleep(0.2)
        searchable = time.perf_counter()
        cpu_searchable = cpu_seconds(gateway.pid)
        load_after = os.getloadavg()[0]
        embedded_s, phrasings = None, 0
        if not args.no_vectors:
            from search.embedder import Embedder
            from search.vectors import VectorStore

            embedder = Embedder(workdir / "index", VectorStore(vectors), encoder=None)  # reads what is pending
            phrasings = len({t for r in rows for t in [r["question"]] + r.get("similar_questions", "").split("|")})
            while embedder.pending() and time.perf_counter() - imported < args.vectors_timeout:
                time.sleep(2.0)
            embedded_s = time.perf_counter() - imported if not embedder.pending() else None
        cpu_embedded = cpu_seconds(gateway.pid)
    finally:
        gateway.send_signal(signal.SIGINT)
        try:
            gateway.wait(30)
        except subprocess.TimeoutExpired:
            gateway.kill()
        store.engine.dispose()
        if drop:
            drop()

    total = searchable - started
    backend = "PostgreSQL" if args.postgres else "SQLite"
    if args.file:
        lines = sum(1 for line in content.splitlines() if line.strip())
        print(
            f"数据库 {backend}；{filename} {len(content) / 1e6:.1f} MB，{lines} 行（抽样检查用其中 {len(rows)} 行，要求排前 {depth}）"
        )
    else:
        print(f"数据库 {backend}；CSV {len(content) / 1e6:.1f} MB，{len(rows)} 行")
    print(f"导入接口：{imported - started:.1f} 秒（发布 {result['published']}，新增 {result['created']}）")
    if "totals" in result:
        totals = result["totals"]
        print(
            f"逐行结果：新增 {totals['new']}，修改 {totals['changed']}，未变 {totals['unchanged']}，"
            f"有警告 {totals['warning']}，有错误 {totals['error']}；新建部门 {len(result.get('new_departments', []))} 个"
        )
    print(
        f"导入完成后到 {SAMPLED} 条抽样问题都能搜到（且排第一）：{searchable - imported:.1f} 秒"
        + (f"；仍有 {len(pending)} 条未搜到" if pending else "")
    )
    print(f"合计：{total:.1f} 秒（要求 60 秒以内）")
    print(
        f"网关进程 CPU 时间：导入 {cpu_imported - cpu_start:.1f} 秒，索引同步与检索 {cpu_searchable - cpu_imported:.1f} 秒"
        f"（与机器上其他负载无关）；测量前后 1 分钟平均负载 {load_before:.1f} / {load_after:.1f}（2 核）"
    )
    if not args.no_vectors:
        print(
            f"句向量（网关后台线程，约 {phrasings} 个新问法）：导入完成后 "
            + (f"{embedded_s:.0f} 秒全部算完" if embedded_s is not None else f"{args.vectors_timeout} 秒内未算完")
            + f"；其间网关 CPU {cpu_embedded - cpu_searchable:.0f} 秒"
        )
    return 0 if total < 60 and not pending else 1


if __name__ == "__main__":
    sys.exit(main())
