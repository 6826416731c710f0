"""Bulk import of entries from CSV, XLSX or JSONL: the whole file goes in, or nothing does.

FAQ files have the contract's columns `id, question, similar_questions, answer, department, keywords,
status` (`similar_questions` separated by `|`, `keywords` by `,`, `status` published or draft), plus an
optional `items` column (linked item ids separated by `,`). Synonym files have `official, colloquial, status`
(`colloquial` separated by `|`) and an optional `id`. Items, packages and apps are imported from JSONL, one
entry per line, as `knowledge/schema.py` describes them.

Every row is checked before anything is written; each bad row is reported with its row number and a
Chinese reason. Rows with status `published` go live (a new version and a change-log row each, so the
search indexes pick them up); rows with status `draft` become open changes waiting for review, and leave
the live entry as it is. Publishing needs the "publish" permission: an editor can import drafts only.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from pydantic import ValidationError

from knowledge import audit
from knowledge.links import KnownIds, broken_links
from knowledge.problems import describe, label
from knowledge.schema import DRAFT, EDITABLE_MODELS, PUBLISHED, synonym_id
from knowledge.staff import StaffMember
from knowledge.store import KnowledgeStore, same_content
from knowledge.tabular import (
    MEDIA_TYPES,
    FileProblem,
    Rows,
    detect_format,
    read_csv,
    read_jsonl,
    read_raw_table,
    read_xlsx,
    write_csv,
    write_jsonl,
    write_xlsx,
)
from knowledge.workflow import KIND_NAMES, Forbidden, Invalid, Workflow

MAX_ROWS = 100_000
MAX_REPORTED = 1000
IMPORT_STATUSES = (PUBLISHED, DRAFT)


@dataclass(frozen=True)
class Columns:
    required: Tuple[str, ...]
    optional: Tuple[str, ...]
    separators: Dict[str, str] = field(default_factory=dict)  # list column -> separator regex

    @property
    def all(self) -> Tuple[str, ...]:
        return self.required + self.optional


TABULAR: Dict[str, Columns] = {
    "faq": Columns(
        required=("id", "question", "answer", "status"),
        optional=("similar_questions", "department", "keywords", "items"),
        separators={"similar_questions": r"[|｜]", "keywords": r"[,，]", "items": r"[,，|]"},
    ),
    "synonym": Columns(
        required=("official", "colloquial", "status"),
        optional=("id",),
        separators={"colloquial": r"[|｜]"},
    ),
}
"""Kinds that can be imported from CSV and XLSX, and their columns (FAQ columns per the contract)."""

COLUMN_ALIASES: Dict[str, str] = {
    "编号": "id",
    "问题": "question",
    "相似问法": "similar_questions",
    "答案": "answer",
    "部门": "department",
    "关键词": "keywords",
    "状态": "status",
    "关联事项": "items",
    "规范名称": "official",
    "群众说法": "colloquial",
}
"""Chinese column names staff exports carry, and the contract's column each one is."""

STATUS_ALIASES = {"发布": PUBLISHED, "已发布": PUBLISHED, "草稿": DRAFT}
ERROR_COLUMN = "错误原因"
MODES = ("all", "partial")

LIST_FIELDS = {
    "similar_questions": r"[|｜]",
    "keywords": r"[,，]",
    "items": r"[,，|]",
    "aliases": r"[|｜,，]",
    "colloquial": r"[|｜]",
}


class ImportRejected(Invalid):
    """Bad rows: nothing was imported. `problems` is [{"row", "field", "reason"}]."""


@dataclass
class Problem:
    row: int
    field: str
    reason: str

    def as_dict(self) -> Dict[str, Any]:
        return {"row": self.row, "field": self.field, "reason": self.reason}


def _split(value: Any, separator: str) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in re.split(separator, value) if part.strip()]
    return value


def read_rows(kind: str, filename: str, content: bytes) -> Tuple[Rows, List[Problem]]:
    """The file's records (list columns split) and file-level problems (reported as row 1)."""
    if not content:
        raise FileProblem("文件是空的")
    fmt = detect_format(filename, content)
    if fmt == "jsonl":
        rows = read_jsonl(content)
        return [
            (n, {k: _split(v, LIST_FIELDS[k]) if k in LIST_FIELDS else v for k, v in r.items()}) for n, r in rows
        ], []
    spec = TABULAR.get(kind)
    if spec is None:
        raise FileProblem(f"{KIND_NAMES[kind]}只能用 JSONL 格式导入（每行一个 JSON 对象）")
    columns, rows = read_csv(content) if fmt == "csv" else read_xlsx(content)
    columns = [COLUMN_ALIASES.get(c, c) for c in columns]
    rows = [(n, {COLUMN_ALIASES.get(k, k): v for k, v in r.items()}) for n, r in rows]
    problems: List[Problem] = []
    missing = [c for c in spec.required if c not in columns]
    if missing:
        problems.append(Problem(1, "", "缺少必需的列：" + "、".join(missing)))
    unknown = [c for c in columns if c and c not in spec.all]
    if unknown:
        problems.append(
            Problem(1, "", "不认识的列：" + "、".join(unknown) + "（可用的列：" + "、".join(spec.all) + "）")
        )
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
    if duplicated:
        problems.append(Problem(1, "", "列名重复：" + "、".join(duplicated)))
    records = []
    for number, record in rows:
        out: Dict[str, Any] = {}
        for name, value in record.items():
            if name == "__extra__":
                out[name] = value
            elif name in spec.separators:
                out[name] = _split(value, spec.separators[name])
            elif value != "" or name in spec.required:
                out[name] = value
        records.append((number, out))
    return records, problems


@dataclass
class Checked:
    """What checking a file's rows found: the importable entries (by row), errors and warnings by row,
    and the departments named in the file that do not exist yet (name -> generated id)."""

    entries: List[Tuple[int, Dict]] = field(default_factory=list)
    errors: List[Problem] = field(default_factory=list)
    warnings: List[Problem] = field(default_factory=list)
    new_departments: Dict[str, str] = field(default_factory=dict)


def department_id_for(name: str) -> str:
    """A stable internal id for a department that an import names but the base does not have."""
    return "dept-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


def check_rows(
    kind: str, rows: Rows, known: KnownIds, live_questions: Dict[str, str]
) -> Tuple[List[Dict], List[Problem]]:
    """Validated entries (with their status) and every error found, by row (warnings are not problems)."""
    checked = check_file_rows(kind, rows, known, live_questions)
    return [e for _, e in checked.entries], checked.errors


def check_file_rows(
    kind: str, rows: Rows, known: KnownIds, live_questions: Dict[str, str], create_departments: bool = False
) -> Checked:
    """`create_departments`: an item's unknown department (by name) is created with a warning, as a FAQ's
    always is (the 办事指南 catalogue export names its 实施主体); otherwise an item's department must exist."""
    model = EDITABLE_MODELS[kind]
    out = Checked()
    seen_ids: Dict[str, int] = {}
    seen_questions: Dict[str, int] = {}
    today = dt.date.today()
    for number, record in rows:
        if "__error__" in record:
            out.errors.append(Problem(number, "", record["__error__"]))
            continue
        if "__extra__" in record:
            out.errors.append(
                Problem(number, "", "这一行的单元格比表头多（多出：" + "、".join(record["__extra__"]) + "）")
            )
            continue
        record = {k: v for k, v in record.items() if k not in ("editor", "reviewer", "kind")}
        if not record.get("updated_at"):
            record["updated_at"] = today
        status = record["status"] = _status(record.get("status", ""))
        if status not in IMPORT_STATUSES:
            reason = "不能为空" if status in ("", None) else f"不能是“{status}”"
            out.errors.append(
                Problem(number, "status", f"{label('status')}{reason}，只能是 published（发布）或 draft（草稿）")
            )
            continue
        if kind == "synonym" and not record.get("id") and isinstance(record.get("official"), str):
            record["id"] = synonym_id(record["official"].strip())
        warnings: List[Problem] = []
        department = record.get("department")
        if isinstance(department, str) and department.strip() and (kind != "item" or create_departments):
            department = department.strip()
            found = known.department_id(department) or out.new_departments.get(department)
            if not found:
                found = department_id_for(department)
                out.new_departments[department] = found
                known.departments[found] = department
                warnings.append(
                    Problem(number, "department", f"{label('department')}“{department}”原来没有，导入时会新建这个部门")
                )
            record["department"] = found
        elif isinstance(department, str) and department:
            record["department"] = known.department_id(department) or department
        try:
            entry = json.loads(model(**record).json())
        except ValidationError as exc:
            out.errors.extend(Problem(number, f, reason) for f, reason in describe(exc))
            continue
        except TypeError:
            out.errors.append(Problem(number, "", "这一行的格式不对"))
            continue
        row_errors = [Problem(number, f, reason) for f, reason in broken_links(kind, entry, known)]
        if entry["id"] in seen_ids:
            row_errors.append(Problem(number, "id", f"{label('id')}“{entry['id']}”与第 {seen_ids[entry['id']]} 行重复"))
        else:
            seen_ids[entry["id"]] = number
        if kind == "faq":
            question = entry["question"]
            if question in seen_questions:
                warnings.append(
                    Problem(
                        number,
                        "question",
                        f"{label('question')}与第 {seen_questions[question]} 行相同（不同部门回答同一问题，都会导入）",
                    )
                )
            else:
                seen_questions[question] = number
            other = live_questions.get(question)
            if other and other != entry["id"]:
                warnings.append(
                    Problem(number, "question", f"{label('question')}与已有常见问题 {other} 相同（都会保留）")
                )
        if row_errors:
            out.errors.extend(row_errors)
        else:
            out.warnings.extend(warnings)
            out.entries.append((number, entry))
    return out


def import_file(
    store: KnowledgeStore,
    kind: str,
    filename: str,
    content: bytes,
    who: StaffMember,
    source: str = "import",
    dry_run: bool = False,
    mode: str = "all",
    create_departments: bool = False,
) -> Dict[str, Any]:
    """Checks every row, then writes the importable ones in one transaction.

    mode "all" (the default): any bad row raises ImportRejected and nothing is written. mode "partial":
    the valid rows are written and the bad ones come back in `rejected_file` (the uploaded format, with a
    错误原因 column). Warnings (a department that is created, a question several departments answer) never
    stop an import. Raises Forbidden when an editor's file would publish, Invalid for an unreadable file.
    With `dry_run` it only checks, and returns per row what it would do (new / changed / unchanged /
    warning / error) with totals."""
    if mode not in MODES:
        raise Invalid("mode 只能是 all（整个文件要么全部导入，要么都不导入）或 partial（导入正确的行，退回有误的行）")
    try:
        rows, problems = read_rows(kind, filename, content)
    except FileProblem as exc:
        raise Invalid(f"无法读取文件：{exc}") from None
    if problems:
        raise _rejected(problems)
    if len(rows) > MAX_ROWS:
        raise Invalid(f"文件行数过多（{len(rows)} 行），一次最多导入 {MAX_ROWS} 行，请分批导入")
    if not rows:
        raise Invalid("文件中没有数据行")
    publishing = [n for n, r in rows if _status(r.get("status")) == PUBLISHED]
    if publishing and not who.can("publish"):
        shown = "、".join(str(n) for n in publishing[:10]) + ("……" if len(publishing) > 10 else "")
        raise Forbidden(
            f"编辑不能直接发布：文件中第 {shown} 行（共 {len(publishing)} 行）的 status 为 published。"
            f"请改为 draft 导入后提交审核，或请审核员导入"
        )
    known = KnownIds.load(store)
    live = {e["id"]: {k: v for k, v in e.items() if k != "kind"} for e in store.iter_entries(kind, status=None)}
    live_questions = {e["question"]: e["id"] for e in live.values()} if kind == "faq" else {}
    checked = check_file_rows(kind, rows, known, live_questions, create_departments)
    if checked.errors and mode == "all" and not dry_run:
        raise _rejected(checked.errors)
    report = _row_report(rows, checked, live)
    if dry_run:
        published = sum(1 for _, e in checked.entries if e["status"] == PUBLISHED)
        return {
            "kind": kind,
            "total": len(checked.entries),
            "published": published,
            "drafts": len(checked.entries) - published,
            "dry_run": True,
            "mode": mode,
            "importable": not checked.errors or mode == "partial",
            **report,
        }
    result = _write(store, kind, [e for _, e in checked.entries], who, source, filename, checked.new_departments)
    result.update(report, mode=mode)
    if checked.errors:
        result["rejected_file"] = rejected_file(filename, content, rows, checked.errors)
    return result


def _status(value: Any) -> Any:
    return STATUS_ALIASES.get(value.strip(), value.strip()) if isinstance(value, str) else value


def _row_report(rows: Rows, checked: Checked, live: Dict[str, Dict]) -> Dict[str, Any]:
    """Per row: new / changed / unchanged / warning / error, with the reasons, and the totals."""
    errors: Dict[int, List[str]] = {}
    for p in checked.errors:
        errors.setdefault(p.row, []).append(p.reason)
    warnings: Dict[int, List[str]] = {}
    for p in checked.warnings:
        warnings.setdefault(p.row, []).append(p.reason)
    outcome: Dict[int, str] = {}
    for number, entry in checked.entries:
        old = live.get(entry["id"])
        if old is None:
            outcome[number] = "new"
        elif same_content(old, entry):
            outcome[number] = "unchanged"
        else:
            outcome[number] = "changed"
    listed = []
    totals = {"new": 0, "changed": 0, "unchanged": 0, "warning": 0, "error": 0}
    for number, _ in rows:
        if number in errors:
            listed.append({"row": number, "outcome": "error", "reasons": errors[number]})
            totals["error"] += 1
            continue
        state = outcome.get(number, "unchanged")
        totals[state] += 1
        row = {"row": number, "outcome": state, "reasons": []}
        if number in warnings:
            totals["warning"] += 1
            row["warning"] = True
            row["reasons"] = warnings[number]
        listed.append(row)
    return {
        "totals": totals,
        "rows": listed[:MAX_ROWS],
        "warnings": [p.as_dict() for p in checked.warnings[:MAX_REPORTED]],
        "errors": [p.as_dict() for p in checked.errors[:MAX_REPORTED]],
        "new_departments": sorted(checked.new_departments),
    }


def rejected_file(filename: str, content: bytes, rows: Rows, errors: List[Problem]) -> Dict[str, Any]:
    """The rows that were not imported, in the uploaded format, each with a 错误原因 column."""
    reasons: Dict[int, List[str]] = {}
    for p in errors:
        reasons.setdefault(p.row, []).append(p.reason)
    fmt = detect_format(filename, content)
    if fmt == "jsonl":
        lines = content.decode("utf-8-sig", errors="replace").splitlines()
        records = []
        for number in sorted(reasons):
            try:
                record = json.loads(lines[number - 1])
            except (ValueError, IndexError, RecursionError):
                record = {"原始内容": lines[number - 1] if number - 1 < len(lines) else ""}
            if not isinstance(record, dict):
                record = {"原始内容": lines[number - 1]}
            records.append(dict(record, **{ERROR_COLUMN: "；".join(reasons[number])}))
        data = write_jsonl(records)
    else:
        header, raw = read_raw_table(fmt, content)
        columns = list(header) + [ERROR_COLUMN]
        records = [
            dict(zip(header, raw.get(number, []), strict=False), **{ERROR_COLUMN: "；".join(reasons[number])})
            for number in sorted(reasons)
        ]
        data = write_csv(columns, records) if fmt == "csv" else write_xlsx(columns, records, "待改正")
    stem = (filename or "import").rsplit(".", 1)[0]
    return {
        "filename": f"{stem}-待改正.{fmt}",
        "media_type": MEDIA_TYPES[fmt],
        "rows": len(reasons),
        "content_base64": base64.b64encode(data).decode("ascii"),
    }


def _rejected(problems: List[Problem]) -> ImportRejected:
    rows = sorted({p.row for p in problems})
    listed = [p.as_dict() for p in sorted(problems, key=lambda p: p.row)[:MAX_REPORTED]]
    more = f"（只列出前 {MAX_REPORTED} 个问题）" if len(problems) > MAX_REPORTED else ""
    return ImportRejected(f"导入失败：文件中有 {len(rows)} 行有误，整个文件都没有导入，请改正后重新导入{more}", listed)


def _write(
    store: KnowledgeStore,
    kind: str,
    entries: List[Dict],
    who: StaffMember,
    source: str,
    filename: str,
    new_departments: Optional[Dict[str, str]] = None,
) -> Dict[str, Any]:
    published = [dict(e, editor=who.name, reviewer=who.name) for e in entries if e["status"] == PUBLISHED]
    drafts = [dict(e, status=PUBLISHED) for e in entries if e["status"] == DRAFT]
    departments = [{"id": i, "name": n} for n, i in (new_departments or {}).items()]
    with store.transaction() as conn:
        if departments:
            store.bulk_upsert("department", departments, conn, actor=who.name, source=source)
        counts = store.bulk_upsert(kind, published, conn, actor=who.name, source=source)
        Workflow(store).save_many(conn, kind, drafts, who, origin="import")
        result = {
            "kind": kind,
            "total": len(entries),
            "published": len(published),
            "created": counts["created"],
            "updated": counts["updated"],
            "unchanged": counts["unchanged"],
            "drafts": len(drafts),
            "departments_created": len(departments),
        }
        if not (counts["created"] or counts["updated"] or drafts or departments):
            result["change_seq"] = store.latest_change()
            return result  # re-importing the same file: nothing changed, nothing to audit
        audit.record(
            conn,
            who.name,
            who.role,
            "import",
            kind,
            "",
            file=filename,
            **{k: v for k, v in result.items() if k != "kind"},
        )
    result["change_seq"] = store.latest_change()
    return result


def import_summary(result: Dict[str, Any]) -> str:
    return (
        f"已导入 {result['total']} 条{KIND_NAMES[result['kind']]}：发布 {result['published']} 条"
        f"（新增 {result['created']}，更新 {result['updated']}，未变 {result['unchanged']}），"
        f"草稿 {result['drafts']} 条（待审核发布）"
    )
