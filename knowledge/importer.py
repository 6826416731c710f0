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

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

from pydantic import ValidationError

from knowledge import audit
from knowledge.links import KnownIds, broken_links
from knowledge.problems import describe, label
from knowledge.schema import DRAFT, EDITABLE_MODELS, PUBLISHED, synonym_id
from knowledge.staff import StaffMember
from knowledge.store import KnowledgeStore
from knowledge.tabular import FileProblem, Rows, detect_format, read_csv, read_jsonl, read_xlsx
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


def check_rows(
    kind: str, rows: Rows, known: KnownIds, live_questions: Dict[str, str]
) -> Tuple[List[Dict], List[Problem]]:
    """Validated entries (with their status) and every problem found, by row."""
    model = EDITABLE_MODELS[kind]
    entries: List[Dict] = []
    problems: List[Problem] = []
    seen_ids: Dict[str, int] = {}
    seen_questions: Dict[str, int] = {}
    today = dt.date.today()
    for number, record in rows:
        if "__error__" in record:
            problems.append(Problem(number, "", record["__error__"]))
            continue
        if "__extra__" in record:
            problems.append(
                Problem(number, "", "这一行的单元格比表头多（多出：" + "、".join(record["__extra__"]) + "）")
            )
            continue
        record = {k: v for k, v in record.items() if k not in ("editor", "reviewer", "kind")}
        if not record.get("updated_at"):
            record["updated_at"] = today
        status = record.get("status", "")
        if status not in IMPORT_STATUSES:
            reason = "不能为空" if status in ("", None) else f"不能是“{status}”"
            problems.append(
                Problem(number, "status", f"{label('status')}{reason}，只能是 published（发布）或 draft（草稿）")
            )
            continue
        if kind == "synonym" and not record.get("id") and isinstance(record.get("official"), str):
            record["id"] = synonym_id(record["official"].strip())
        if isinstance(record.get("department"), str) and record["department"]:
            record["department"] = known.department_id(record["department"]) or record["department"]
        try:
            entry = json.loads(model(**record).json())
        except ValidationError as exc:
            problems.extend(Problem(number, f, reason) for f, reason in describe(exc))
            continue
        except TypeError:
            problems.append(Problem(number, "", "这一行的格式不对"))
            continue
        row_problems = [Problem(number, f, reason) for f, reason in broken_links(kind, entry, known)]
        if entry["id"] in seen_ids:
            row_problems.append(
                Problem(number, "id", f"{label('id')}“{entry['id']}”与第 {seen_ids[entry['id']]} 行重复")
            )
        else:
            seen_ids[entry["id"]] = number
        if kind == "faq":
            question = entry["question"]
            if question in seen_questions:
                row_problems.append(
                    Problem(number, "question", f"{label('question')}与第 {seen_questions[question]} 行相同")
                )
            else:
                seen_questions[question] = number
            other = live_questions.get(question)
            if other and other != entry["id"]:
                row_problems.append(Problem(number, "question", f"{label('question')}与已有常见问题 {other} 相同"))
        if row_problems:
            problems.extend(row_problems)
        else:
            entries.append(entry)
    return entries, problems


def import_file(
    store: KnowledgeStore,
    kind: str,
    filename: str,
    content: bytes,
    who: StaffMember,
    source: str = "import",
    dry_run: bool = False,
) -> Dict[str, Any]:
    """Checks every row, then writes all of them in one transaction. Raises ImportRejected (nothing
    written) for bad rows, Forbidden when an editor's file would publish, Invalid for an unreadable file.
    With `dry_run` it only checks, and returns what it would import."""
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
    publishing = [n for n, r in rows if r.get("status") == PUBLISHED]
    if publishing and not who.can("publish"):
        shown = "、".join(str(n) for n in publishing[:10]) + ("……" if len(publishing) > 10 else "")
        raise Forbidden(
            f"编辑不能直接发布：文件中第 {shown} 行（共 {len(publishing)} 行）的 status 为 published。"
            f"请改为 draft 导入后提交审核，或请审核员导入"
        )
    known = KnownIds.load(store)
    live_questions = {e["question"]: e["id"] for e in store.iter_entries("faq", status=None)} if kind == "faq" else {}
    entries, problems = check_rows(kind, rows, known, live_questions)
    if problems:
        raise _rejected(problems)
    if dry_run:
        published = sum(1 for e in entries if e["status"] == PUBLISHED)
        return {
            "kind": kind,
            "total": len(entries),
            "published": published,
            "drafts": len(entries) - published,
            "dry_run": True,
        }
    return _write(store, kind, entries, who, source, filename)


def _rejected(problems: List[Problem]) -> ImportRejected:
    rows = sorted({p.row for p in problems})
    listed = [p.as_dict() for p in sorted(problems, key=lambda p: p.row)[:MAX_REPORTED]]
    more = f"（只列出前 {MAX_REPORTED} 个问题）" if len(problems) > MAX_REPORTED else ""
    return ImportRejected(f"导入失败：文件中有 {len(rows)} 行有误，整个文件都没有导入，请改正后重新导入{more}", listed)


def _write(
    store: KnowledgeStore, kind: str, entries: List[Dict], who: StaffMember, source: str, filename: str
) -> Dict[str, Any]:
    published = [dict(e, editor=who.name, reviewer=who.name) for e in entries if e["status"] == PUBLISHED]
    drafts = [dict(e, status=PUBLISHED) for e in entries if e["status"] == DRAFT]
    with store.transaction() as conn:
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
        }
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
