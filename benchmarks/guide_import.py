"""Import of the sample 办事指南 catalogue export (knowledge/sample/exports/guides-demo.csv: 33 items, 532 rows,
per 情形 and per city) into the sample knowledge base, published by a reviewer, on SQLite or PostgreSQL.

    .venv/bin/python benchmarks/guide_import.py [--copies 10] [--postgres postgresql://postgres@127.0.0.1:5432/test]

`--copies N` imports the export N times with renumbered item codes (N × 33 items) to see how it scales. Times
reading and grouping the rows, and the import (validation and writing the published items); the index and
the chat pick the items up from the change log as after any import (benchmarks/kb_import.py measures that).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.kb_import import postgres_schema  # noqa: E402
from knowledge.guide_export import DEFAULT_MAPPING, Mapping, import_guides, read_guides  # noqa: E402
from knowledge.staff import StaffMember  # noqa: E402
from knowledge.store import KnowledgeStore  # noqa: E402
from knowledge.sync import sync_profile  # noqa: E402

EXPORT = ROOT / "knowledge" / "sample" / "exports" / "guides-demo.csv"


def renumbered(content: bytes, copies: int) -> bytes:
    lines = content.decode("utf-8").splitlines(keepends=True)
    out = [lines[0]]
    for n in range(copies):
        out += [line.replace("DEMO-", f"DEMO{n:02d}-") for line in lines[1:]]
    return "".join(out).encode("utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--postgres")
    args = parser.parse_args()
    drop = None
    if args.postgres:
        db_url, drop = postgres_schema(args.postgres)
    else:
        db_url = f"sqlite:///{tempfile.mkdtemp()}/kb.sqlite3"
    try:
        store = KnowledgeStore(db_url)
        sync_profile(ROOT / "knowledge" / "sample" / "shanxi", store)
        content = renumbered(EXPORT.read_bytes(), args.copies)
        mapping = Mapping.load(DEFAULT_MAPPING.read_text(encoding="utf-8"))
        started = time.perf_counter()
        guides, _ = read_guides("guides.csv", content, mapping)
        grouped = time.perf_counter() - started
        started = time.perf_counter()
        result = import_guides(store, "guides.csv", content, StaffMember("bench", "reviewer"), status="published")
        imported = time.perf_counter() - started
        backend = "PostgreSQL" if args.postgres else "SQLite"
        print(
            f"{backend}：{result['export_rows']} 行 → {len(guides)} 个事项；读表与归并 {grouped:.2f} 秒，"
            f"导入并发布 {imported:.2f} 秒（新增 {result['created']}，新建部门 {len(result['new_departments'])}）"
        )
    finally:
        if drop:
            drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
