"""Reads and writes the import/export file formats: CSV (UTF-8 with header), XLSX and JSONL.

Reading gives (row number, record) pairs, numbered as staff see them: for CSV and XLSX the header is
row 1 and the first data row is row 2 (what Excel and WPS show); for JSONL the line number.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Dict, Iterable, List, Sequence, Tuple

FORMATS = ("csv", "xlsx", "jsonl")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/x-ndjson; charset=utf-8",
}

Rows = List[Tuple[int, Dict[str, Any]]]


class FileProblem(ValueError):
    """The file as a whole cannot be read (wrong format, encoding, no header)."""


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
INVALID_UNICODE = "含有无效的 Unicode 字符（不成对的代理项 \\uD800–\\uDFFF）"
TOO_DEEP = "JSON 嵌套层数过多"
# csv.Error's English messages, as staff should read them.
CSV_ERRORS = {
    "line contains NUL": "含有空字符（NUL）",
    "field larger than field limit": f"有单元格过长（超过 {csv.field_size_limit()} 个字符）",
}


def contains_lone_surrogate(value: Any) -> bool:
    """Whether decoded JSON holds a string Python cannot encode as UTF-8 (a lone "\\ud800" escape):
    it would pass validation and fail later, when written to the database or sent on."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def detect_format(filename: str, content: bytes) -> str:
    name = (filename or "").lower()
    for fmt in FORMATS:
        if name.endswith("." + fmt):
            return fmt
    if name.endswith(".ndjson"):
        return "jsonl"
    if content[:2] == b"PK":
        return "xlsx"
    if content.lstrip()[:1] == b"{":
        return "jsonl"
    if name.endswith(".xls"):
        raise FileProblem("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV UTF-8")
    return "csv"


def _text(content: bytes) -> str:
    """UTF-8 (with or without BOM); else GB18030 (a superset of GBK, what Excel on Chinese Windows writes)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise FileProblem("文件不是 UTF-8 编码：请在 Excel 中“另存为 CSV UTF-8（逗号分隔）”，或改用 .xlsx") from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _table(header: Sequence[Any], rows: Iterable[Tuple[int, Sequence[Any]]]) -> Tuple[List[str], Rows]:
    columns = [_cell(name).lower() for name in header]
    while columns and not columns[-1]:
        columns.pop()
    if not any(columns):
        raise FileProblem("第 1 行应为表头（列名），但它是空的")
    out: Rows = []
    for number, values in rows:
        cells = [_cell(v) for v in values]
        if not any(cells):
            continue  # blank line
        extra = [c for c in cells[len(columns) :] if c]
        record = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(columns) if name}
        if extra:
            record["__extra__"] = extra
        out.append((number, record))
    return columns, out


def read_csv(content: bytes) -> Tuple[List[str], Rows]:
    text = _text(content)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as exc:
        reason = next((text for english, text in CSV_ERRORS.items() if str(exc).startswith(english)), "无法解析")
        raise FileProblem(f"CSV 格式有误（第 {reader.line_num} 行附近）：{reason}") from None
    if not records:
        raise FileProblem("文件是空的")
    rows = ((number, [from_csv_cell(v) for v in values]) for number, values in enumerate(records[1:], start=2))
    return _table(records[0], rows)


def read_xlsx(content: bytes) -> Tuple[List[str], Rows]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileProblem("无法读取 Excel 文件：请确认是 .xlsx 格式且未损坏") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FileProblem("Excel 文件的第一个工作表是空的")
        return _table(header, ((number, values) for number, values in enumerate(rows, start=2)))
    finally:
        workbook.close()


def read_raw_table(fmt: str, content: bytes) -> Tuple[List[str], Dict[int, List[str]]]:
    """A CSV or XLSX file's header as written and its rows by row number, cells as text (to send rows back)."""
    if fmt == "csv":
        records = list(csv.reader(io.StringIO(_text(content), newline="")))
        header, body = (records[0] if records else []), records[1:]
    else:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            values = list(workbook.worksheets[0].iter_rows(values_only=True))
        finally:
            workbook.close()
        header, body = (values[0] if values else []), values[1:]
    header = [_cell(c) for c in header]
    while header and not header[-1]:
        header.pop()
    rows = {n: [from_csv_cell(_cell(c)) if fmt == "csv" else _cell(c) for c in r] for n, r in enumerate(body, start=2)}
    return header, rows


def read_jsonl(content: bytes) -> Rows:
    out: Rows = []
    for number, line in enumerate(_text(content).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append((number, {"__error__": f"不是合法的 JSON（第 {exc.colno} 个字符附近）"}))
            continue
        except RecursionError:
            out.append((number, {"__error__": TOO_DEEP}))
            continue
        if contains_lone_surrogate(record):
            out.append((number, {"__error__": INVALID_UNICODE}))
            continue
        if not isinstance(record, dict):
            out.append((number, {"__error__": "每行应为一个 JSON 对象"}))
            continue
        out.append((number, record))
    if not out:
        raise FileProblem("文件是空的")
    return out


# A spreadsheet takes a cell starting with one of these as a formula ("=HYPERLINK(…)", "+1-2", "@SUM"):
# exported text is never a formula. CSV: a leading apostrophe (what spreadsheets themselves write), removed
# again on import; XLSX: the cell is typed as a string.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def from_csv_cell(text: str) -> str:
    """Undoes `csv_cell`: "'=1+1" → "=1+1"; any other text unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def write_csv(columns: Sequence[str], records: Iterable[Dict[str, str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([csv_cell(record.get(column, "")) for column in columns])
    return buffer.getvalue().encode("utf-8")


def write_xlsx(columns: Sequence[str], records: Iterable[Dict[str, str]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(list(columns))

    def text_cell(value):
        cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    for record in records:
        sheet.append([text_cell(record.get(column, "")) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_jsonl(records: Iterable[Dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records).encode("utf-8")
