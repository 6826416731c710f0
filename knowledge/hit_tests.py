"""Hit-test sets (命中测试): staff's test questions, each with the entry it should find or "none".

A set is uploaded as a CSV or XLSX sheet (columns 问题/question and 应命中/expected, "无"/"none" for a
question the knowledge base should not answer), kept in `kb_hit_test_sets`, and run through the chat's
retrieval and answer policy by search/hit_tests.py. This module only reads sheets and stores sets and
results: running needs the searcher, which lives above the knowledge package.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa

from knowledge.tables import entries, hit_test_reviews, hit_test_sets, revisions
from knowledge.tabular import FileProblem, detect_format, read_csv, read_xlsx

QUESTION_COLUMNS = ("问题", "question", "测试问题")
EXPECTED_COLUMNS = ("应命中", "expected", "应命中条目")
NONE_VALUES = ("无", "none", "没有", "-")
KINDS = ("faq", "item", "package", "app")
MAX_ROWS = 1000
MAX_QUESTION = 500
MAX_NAME = 64
OPEN_STATES = ("draft", "review")


class SheetProblem(ValueError):
    """The sheet cannot be saved: `message` for the whole file, `errors` [{"row", "reason"}] by row."""

    def __init__(self, message: str, errors: Optional[List[Dict[str, Any]]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []


def parse_expected(value: str) -> Tuple[bool, Optional[str], str]:
    """(valid, "kind:id" or None for none, reason)."""
    text = (value or "").strip()
    if not text:
        return False, None, "应命中（expected）为空：请填写条目（如 faq:faq-ga-001）或“无”"
    if text.lower() in NONE_VALUES:
        return True, None, ""
    kind, sep, entry_id = text.replace("：", ":").partition(":")
    kind, entry_id = kind.strip().lower(), entry_id.strip()
    if not sep or kind not in KINDS or not entry_id:
        return False, None, f"应命中“{text}”格式不对：应为 类别:编号（类别为 {'、'.join(KINDS)}），或“无”"
    return True, f"{kind}:{entry_id}", ""


def read_sheet(store, filename: str, content: bytes) -> List[Dict[str, Any]]:
    """The rows of an uploaded sheet: [{"row", "question", "expected"}]; SheetProblem when any row is wrong
    (then nothing is saved)."""
    if not content:
        raise SheetProblem("文件是空的")
    try:
        fmt = detect_format(filename, content)
        if fmt not in ("csv", "xlsx"):
            raise SheetProblem("命中测试只支持 CSV 或 XLSX 文件（列：问题、应命中）")
        columns, records = read_csv(content) if fmt == "csv" else read_xlsx(content)
    except FileProblem as exc:
        raise SheetProblem(str(exc)) from None
    question_col = next((c for c in QUESTION_COLUMNS if c in columns), None)
    expected_col = next((c for c in EXPECTED_COLUMNS if c in columns), None)
    missing = [
        name for name, found in (("问题（question）", question_col), ("应命中（expected）", expected_col)) if not found
    ]
    if missing:
        raise SheetProblem("缺少列：" + "、".join(missing) + "（第 1 行应为表头：问题,应命中）")
    rows: List[Dict[str, Any]] = []
    errors: List[Dict[str, Any]] = []
    for number, record in records:
        question = record.get(question_col, "").strip()
        ok, expected, reason = parse_expected(record.get(expected_col, ""))
        reasons = []
        if not question:
            reasons.append("问题（question）为空")
        elif len(question) > MAX_QUESTION:
            reasons.append(f"问题超过 {MAX_QUESTION} 个字")
        if not ok:
            reasons.append(reason)
        if record.get("__extra__"):
            reasons.append("单元格比表头多")
        if reasons:
            errors.append({"row": number, "reason": "；".join(reasons)})
        else:
            rows.append({"row": number, "question": question, "expected": expected})
    if not rows and not errors:
        raise SheetProblem("文件中没有测试问题（表头下面是空的）")
    if len(rows) + len(errors) > MAX_ROWS:
        raise SheetProblem(f"测试问题太多：一个测试集最多 {MAX_ROWS} 行")
    unknown = _unknown_entries(store, {r["expected"] for r in rows if r["expected"]})
    for r in rows:
        if r["expected"] in unknown:
            errors.append({"row": r["row"], "reason": f"应命中的条目 {r['expected']} 不存在（线上与待审核中都没有）"})
    if errors:
        errors.sort(key=lambda e: e["row"])
        raise SheetProblem(f"文件中有 {len(errors)} 行有误，测试集没有保存，请改正后重新上传", errors)
    return rows


def _unknown_entries(store, keys) -> set:
    """Those of the "kind:id" keys that are neither live nor in an open change (a new entry under review)."""
    if not keys:
        return set()
    wanted = {tuple(k.split(":", 1)) for k in keys}
    found = set()
    with store.engine.connect() as conn:
        for kind in {k for k, _ in wanted}:
            ids = [i for k, i in wanted if k == kind]
            found.update(
                (kind, r[0])
                for r in conn.execute(sa.select(entries.c.id).where(entries.c.kind == kind, entries.c.id.in_(ids)))
            )
            found.update(
                (kind, r[0])
                for r in conn.execute(
                    sa.select(revisions.c.entry_id).where(
                        revisions.c.kind == kind, revisions.c.entry_id.in_(ids), revisions.c.state.in_(OPEN_STATES)
                    )
                )
            )
    return {f"{k}:{i}" for k, i in wanted - found}


def titles(store, keys) -> Dict[str, str]:
    """{"kind:id": title} of those of `keys` that are live or in an open change (the live title first)."""
    wanted = {tuple(k.split(":", 1)) for k in keys if k}
    out: Dict[str, str] = {}
    with store.engine.connect() as conn:
        for kind in {k for k, _ in wanted}:
            ids = [i for k, i in wanted if k == kind]
            pending = conn.execute(
                sa.select(revisions.c.entry_id, revisions.c.data).where(
                    revisions.c.kind == kind, revisions.c.entry_id.in_(ids), revisions.c.state.in_(OPEN_STATES)
                )
            )
            live = conn.execute(
                sa.select(entries.c.id, entries.c.data).where(entries.c.kind == kind, entries.c.id.in_(ids))
            )
            for row in list(pending) + list(live):
                data = json.loads(row[1]) if row[1] else {}
                title = data.get("question") or data.get("name") or ""
                if title:
                    out[f"{kind}:{row[0]}"] = title
    return out


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise SheetProblem("测试集名称不能为空")
    if len(name) > MAX_NAME:
        raise SheetProblem(f"测试集名称最长 {MAX_NAME} 个字")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise SheetProblem("测试集名称不能含控制字符")
    return name


def save_set(store, name: str, rows: List[Dict[str, Any]], who: str) -> Tuple[Dict[str, Any], bool]:
    """Saves a set under `name`, replacing the one of that name; (the set without rows, whether new)."""
    now = dt.datetime.utcnow()
    with store.transaction(entries_lock=False) as conn:
        found = conn.execute(sa.select(hit_test_sets.c.id).where(hit_test_sets.c.name == name)).first()
        values = dict(
            rows=json.dumps(rows, ensure_ascii=False), created_by=who, updated_at=now, last_run=None, last_run_at=None
        )
        if found:
            conn.execute(sa.update(hit_test_sets).where(hit_test_sets.c.id == found.id).values(**values))
            set_id, created = found.id, False
        else:
            set_id = conn.execute(sa.insert(hit_test_sets).values(name=name, **values)).inserted_primary_key[0]
            created = True
        conn.execute(sa.delete(hit_test_reviews).where(hit_test_reviews.c.set_id == set_id))
    return get_set(store, set_id, with_rows=False), created


def _as_set(row, with_rows: bool) -> Dict[str, Any]:
    rows = json.loads(row.rows)
    last = json.loads(row.last_run) if row.last_run else None
    out = {
        "id": row.id,
        "name": row.name,
        "size": len(rows),
        "created_by": row.created_by,
        "updated_at": row.updated_at,
        "last_run_at": row.last_run_at,
        "last_counts": last["counts"] if last else None,
    }
    if with_rows:
        out["rows"] = rows
        out["last_run"] = last
    return out


def get_set(store, set_id: int, with_rows: bool = True) -> Optional[Dict[str, Any]]:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(hit_test_sets).where(hit_test_sets.c.id == set_id)).first()
    return _as_set(row, with_rows) if row else None


def list_sets(store, with_rows: bool = False) -> List[Dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(hit_test_sets).order_by(hit_test_sets.c.name)).all()
    return [_as_set(r, with_rows) for r in rows]


def delete_set(store, set_id: int) -> bool:
    with store.transaction(entries_lock=False) as conn:
        conn.execute(sa.delete(hit_test_reviews).where(hit_test_reviews.c.set_id == set_id))
        return conn.execute(sa.delete(hit_test_sets).where(hit_test_sets.c.id == set_id)).rowcount > 0


def save_run(store, set_id: int, result: Dict[str, Any]) -> None:
    with store.transaction(entries_lock=False) as conn:
        conn.execute(
            sa.update(hit_test_sets)
            .where(hit_test_sets.c.id == set_id)
            .values(last_run=json.dumps(result, ensure_ascii=False, default=str), last_run_at=dt.datetime.utcnow())
        )


def review_result(store, rev: int, set_id: int, basis: str) -> Optional[Dict[str, Any]]:
    """The stored before/after of a change for a set, if it was computed on `basis`."""
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(hit_test_reviews).where(hit_test_reviews.c.rev == rev, hit_test_reviews.c.set_id == set_id)
        ).first()
    return json.loads(row.result) if row and row.basis == basis else None


def save_review_result(store, rev: int, set_id: int, basis: str, result: Dict[str, Any]) -> None:
    with store.transaction(entries_lock=False) as conn:
        conn.execute(
            sa.delete(hit_test_reviews).where(hit_test_reviews.c.rev == rev, hit_test_reviews.c.set_id == set_id)
        )
        conn.execute(
            sa.insert(hit_test_reviews).values(
                rev=rev,
                set_id=set_id,
                basis=basis,
                result=json.dumps(result, ensure_ascii=False, default=str),
                at=dt.datetime.utcnow(),
            )
        )
