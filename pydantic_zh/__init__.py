"""Chinese sentences for pydantic (v1) and FastAPI validation errors — the one translation that the
gateway (citizens' requests), the knowledge base (staff's entries and imports) and the reference platform
use. A leaf package: it imports nothing of ours, so the reference platform (which stands in for an external
system) may use it too.

Each caller passes its own field labels ("text" → "text（消息内容）") and, where a generic sentence would not
help, hints for one field and error kind (an id's allowed characters)."""

from __future__ import annotations

import re
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple

Labels = Mapping[str, str]
Hints = Mapping[Tuple[str, str], str]  # (field, error type) -> the whole sentence

LOCATION_SOURCES = {"body", "query", "path", "header", "cookie"}
HEADER_LABELS = {"idempotency-key": "Idempotency-Key", "authorization": "Authorization"}
JSON_INVALID = ("value_error.jsondecode", "json_invalid")
BOUND_WORDS = {
    "value_error.number.not_ge": "不能小于",
    "value_error.number.not_gt": "必须大于",
    "value_error.number.not_le": "不能大于",
    "value_error.number.not_lt": "必须小于",
}
_CJK = re.compile("[\u4e00-\u9fff]")


def field_label(loc: Sequence[Any], labels: Optional[Labels] = None) -> str:
    """The field an error is about, as a reader knows it: the caller's label for the first part, then
    `[0]` for list positions and `.name` for nested fields; "请求体" when the whole body is meant."""
    parts = list(loc or ())
    source = parts[0] if parts and parts[0] in LOCATION_SOURCES else None
    if source is not None:
        parts = parts[1:]
    if not parts:
        return "请求参数" if source in ("query", "path", "header", "cookie") else "请求体"
    if source == "header" and len(parts) == 1:
        return HEADER_LABELS.get(str(parts[0]).lower(), str(parts[0]))
    first = str(parts[0])
    text = (labels or {}).get(first, first)
    for part in parts[1:]:
        text += f"[{part}]" if isinstance(part, int) or str(part).isdigit() else f".{part}"
    return text


def _say(field: str, rest: str) -> str:
    """The field, then what is wrong with it: a space after a Latin name ("user_id 不能为空"), none after
    a Chinese label ("answer（答案）不能为空")."""
    return f"{field}{rest}" if field and not field[-1].isascii() else f"{field} {rest}"


def _choices(values: Any) -> str:
    try:
        return "、".join(str(v) for v in values)
    except TypeError:
        return str(values)


def describe_error(error: Mapping[str, Any], labels: Optional[Labels] = None, hints: Optional[Hints] = None) -> str:
    """One error dict (pydantic's `errors()` item) → one Chinese sentence naming the field."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    msg = str(error.get("msg", ""))
    loc = list(error.get("loc") or ())
    if kind in JSON_INVALID:
        return "请求体不是合法的 JSON"
    field = field_label(loc, labels)
    name = next((str(p) for p in loc if p not in LOCATION_SOURCES), "")
    if hints and (name, kind) in hints:
        return hints[(name, kind)]
    limit = ctx.get("limit_value")
    if kind in ("value_error.missing", "missing"):
        return (
            "缺少请求体：应为 JSON 对象（Content-Type: application/json）"
            if field == "请求体"
            else f"缺少必填字段 {field}"
        )
    if kind == "value_error.extra":
        return f"不认识的字段 {field}"
    if kind == "value_error.any_str.min_length":
        return _say(field, "不能为空") if (limit or 1) <= 1 else _say(field, f"至少 {limit} 个字符")
    if kind == "value_error.any_str.max_length":
        return _say(field, f"过长，最多 {limit} 个字符")
    if kind == "value_error.list.min_items":
        return _say(field, f"至少要有 {limit} 项")
    if kind == "value_error.list.max_items":
        return _say(field, f"最多 {limit} 项")
    if kind in BOUND_WORDS:
        return _say(field, f"{BOUND_WORDS[kind]} {limit}")
    if kind == "value_error.const" and ctx.get("permitted"):
        return _say(field, f"取值不正确，可选值：{_choices(ctx['permitted'])}")
    if kind == "type_error.enum" and ctx.get("enum_values"):
        return _say(field, f"取值不正确，可选值：{_choices(ctx['enum_values'])}")
    if kind in ("value_error.const", "type_error.enum"):
        return _say(field, "取值不正确")
    if kind == "value_error.str.regex":
        return _say(field, "格式不正确")
    if kind.startswith("type_error.str"):
        return _say(field, "应为字符串")
    if kind.startswith("type_error.bool") or kind == "value_error.strictbool":
        return _say(field, "应为 true 或 false")
    if kind.startswith("type_error.integer") or kind.endswith("strictint") or kind.startswith("value_error.number"):
        return _say(field, "应为整数")
    if kind.startswith("value_error.date") or kind.startswith("type_error.date"):
        return _say(field, "应为有效日期（如 2026-09-01）")
    if kind == "type_error.none.not_allowed":
        return _say(field, "不能为 null")
    if kind in ("type_error.dict", "type_error.dataclass"):
        return "请求体应为 JSON 对象" if field == "请求体" else _say(field, "应为 JSON 对象")
    if kind.startswith("type_error.list"):
        return _say(field, "应为列表")
    if kind.startswith("type_error"):
        return _say(field, "类型不正确")
    # Our own validators speak Chinese; a library's English message is never shown to citizens or staff.
    return _say(field, msg) if _CJK.search(msg) else _say(field, "取值不正确")


def describe_errors(
    errors: Iterable[Mapping[str, Any]], labels: Optional[Labels] = None, hints: Optional[Hints] = None
) -> List[str]:
    """Every error's sentence, each once, in order."""
    return list(dict.fromkeys(describe_error(e, labels, hints) for e in errors))


def field_of(error: Mapping[str, Any], labels: Optional[Labels] = None) -> str:
    """The labelled field of an error ("请求体" for unreadable JSON, whose loc is a character offset)."""
    if str(error.get("type", "")) in JSON_INVALID:
        return "请求体"
    return field_label(error.get("loc") or (), labels)


__all__ = ["field_label", "describe_error", "describe_errors", "field_of"]
