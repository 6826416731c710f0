"""Reading an 办事指南 catalogue exported from a 政务服务事项管理 system (issue #15 part 2): a spreadsheet in
which one row is one material of one 情形 (situation) of one item in one region. A column mapping (YAML,
`knowledge/sample/exports/*.mapping.yml`) says which column holds what, so another province's export needs a
mapping, not code.

Rows are grouped into items (by the item's code, or its name and 业务办理项); within an item, the materials by
situation in the order they come, and the place, hours and phone by region. Values that differ between rows
of one item where they should not (the fee, the time limits) are reported, not silently overwritten.

`import_guides` turns the groups into items and imports them like any other item import (knowledge/importer.py:
drafts for review, or published by a reviewer; dry run; all-or-nothing or partial), so they are searched and
answered without retraining. An item whose materials differ by situation keeps them per situation
(`Item.situations`) and all of them in `materials`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from knowledge.tabular import detect_format, read_csv, read_xlsx

# What a mapping may name: the field → the export's column.
FIELDS = (
    "region",
    "item_code",
    "item",
    "sub_item",
    "situation",
    "material",
    "material_form",
    "material_copies",
    "conditions",
    "steps",
    "legal_time_limit",
    "promised_time_limit",
    "charged",
    "fee",
    "address",
    "hours",
    "phone",
    "online",
    "legal_basis",
    "department",
)
REQUIRED = ("region", "item", "material")
# Per item, these must be the same on every row of every region (a guide has one fee, one time limit).
ITEM_FIELDS = ("conditions", "steps", "legal_time_limit", "promised_time_limit", "fee", "legal_basis", "department")
# Per region of an item: where, when, whom to call.
PLACE_FIELDS = ("address", "hours", "phone")


class MappingError(ValueError):
    """The mapping file is wrong (a Chinese message for staff)."""


@dataclass
class Mapping:
    columns: Dict[str, str]
    province_regions: Tuple[str, ...] = ("全省", "省本级", "*")  # rows valid for the whole province
    yes: Tuple[str, ...] = ("是", "Y", "y", "yes", "1", "可网办", "全程网办")
    list_separators: Tuple[str, ...] = ("\n", "；", ";")
    default_situation: str = ""

    @classmethod
    def load(cls, text: str) -> "Mapping":
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise MappingError(f"映射文件不是合法的 YAML：{exc}") from None
        columns = data.get("columns")
        if not isinstance(columns, dict):
            raise MappingError("映射文件缺少 columns（字段 → 导出表的列名）")
        unknown = sorted(set(columns) - set(FIELDS))
        if unknown:
            raise MappingError("映射文件中有未知字段：" + "、".join(unknown) + "；可用字段：" + "、".join(FIELDS))
        missing = [f for f in REQUIRED if not columns.get(f)]
        if missing:
            raise MappingError("映射文件缺少必需字段：" + "、".join(missing))
        out = cls({k: str(v).strip().lower() for k, v in columns.items() if v})
        for key in ("province_regions", "yes", "list_separators"):
            if key in data:
                setattr(out, key, tuple(str(v) for v in data[key]))
        out.default_situation = str(data.get("default_situation") or "")
        return out


@dataclass
class Guide:
    """One item as the export describes it."""

    key: str
    name: str
    code: str = ""
    sub_item: str = ""
    fields: Dict[str, str] = field(default_factory=dict)
    online: bool = False
    situations: Dict[str, List[Dict[str, Any]]] = field(default_factory=dict)  # 情形 → materials, in order
    places: Dict[str, Dict[str, str]] = field(default_factory=dict)  # region ("*": whole province) → place
    rows: List[int] = field(default_factory=list)


@dataclass
class Problem:
    row: int
    reason: str


def _value(record: Dict[str, Any], mapping: Mapping, name: str) -> str:
    column = mapping.columns.get(name)
    return str(record.get(column, "") or "").strip() if column else ""


_CN_DIGITS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _copies(text: str) -> int:
    """ "2", "2份", "两份" → 2; nothing readable → 1."""
    digits = "".join(c for c in text if c.isdigit())
    if digits:
        return max(int(digits), 1)
    return next((_CN_DIGITS[c] for c in text if c in _CN_DIGITS), 1)


def read_guides(filename: str, content: bytes, mapping: Mapping) -> Tuple[List[Guide], List[Problem]]:
    """The export's rows grouped into guides, and what was wrong with single rows (kept out)."""
    fmt = detect_format(filename, content)
    if fmt not in ("csv", "xlsx"):
        raise MappingError("办事指南目录只能导入 CSV 或 XLSX 表格")
    header, rows = (read_csv if fmt == "csv" else read_xlsx)(content)
    absent = [f"{name}（{column}）" for name, column in mapping.columns.items() if column not in header]
    if absent:
        raise MappingError("表头中没有映射文件写的列：" + "、".join(absent))
    guides: Dict[str, Guide] = {}
    problems: List[Problem] = []
    for number, record in rows:
        values = {name: _value(record, mapping, name) for name in mapping.columns}
        missing = [name for name in REQUIRED if not values.get(name)]
        if missing:
            problems.append(Problem(number, "缺少" + "、".join(mapping.columns[m] for m in missing)))
            continue
        code, name, sub = values.get("item_code", ""), values["item"], values.get("sub_item", "")
        key = code or f"{name}|{sub}"
        guide = guides.setdefault(key, Guide(key, sub or name, code, sub, fields={"item_name": name}))
        guide.rows.append(number)
        for item_field in ITEM_FIELDS:
            new = values.get(item_field, "")
            old = guide.fields.get(item_field)
            if new and old is None:
                guide.fields[item_field] = new
            elif new and old != new:
                problems.append(Problem(number, f"{mapping.columns[item_field]}与同一事项的前面几行不同（保留前面的）"))
        guide.online = guide.online or values.get("online", "") in mapping.yes
        region = values["region"]
        region = "*" if region in mapping.province_regions else region
        place = {f: values.get(f, "") for f in PLACE_FIELDS}
        if any(place.values()):
            known = guide.places.setdefault(region, place)
            for f in PLACE_FIELDS:
                known[f] = known[f] or place[f]
        situation = values.get("situation") or mapping.default_situation
        materials = guide.situations.setdefault(situation, [])
        material = {
            "name": values["material"],
            "form": values.get("material_form") or "原件",
            "copies": _copies(values.get("material_copies", "")),
        }
        if material["name"] not in [m["name"] for m in materials]:
            materials.append(material)
    return list(guides.values()), problems


def split_list(text: str, mapping: Mapping) -> List[str]:
    parts = [text or ""]
    for separator in mapping.list_separators:
        parts = [p for part in parts for p in part.split(separator)]
    return [p.strip() for p in parts if p.strip()]


def situation_names(guide: Guide) -> List[str]:
    """The situations whose materials differ, in the export's order: what the bot will ask about."""
    return [s for s in guide.situations if s] if len(guide.situations) > 1 else []


DEFAULT_MAPPING = Path(__file__).resolve().parent / "sample" / "exports" / "guides.mapping.yml"


def _unique(values: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    seen, out = set(), []
    for value in values:
        if value["name"] not in seen:
            seen.add(value["name"])
            out.append(value)
    return out


# What a catalogue name ends with that citizens leave out: "导游证核发" is asked as "导游证".
_ACTION_ENDING = re.compile(r"(?:的)?(?:核发|申领|换发|补发|换领|补领|登记|办理|审批|审核|备案|注销|变更|申请)$")


def aliases_of(guide: Guide) -> List[str]:
    """The item's other names: the 事项名称 beside the 业务办理项, and both without their action word."""
    item_name = guide.key.split("|")[0] if not guide.code else ""
    names = [n for n in (guide.fields.get("item_name", ""), item_name) if n]
    out: List[str] = []
    for name in names + [guide.name]:
        for form in (name, _ACTION_ENDING.sub("", name)):
            if len(form) >= 2 and form != guide.name and form not in out:
                out.append(form)
    return out


def to_record(guide: Guide, mapping: Mapping, status: str, hotline: str = "12345") -> Dict[str, Any]:
    """An item record as knowledge/importer.py takes it (the department by name or id)."""
    f = guide.fields
    named = [name for name in guide.situations if name]
    situations = (
        [{"name": name, "materials": guide.situations[name]} for name in named] if len(guide.situations) > 1 else []
    )
    places = [{"region": region, **place} for region, place in guide.places.items() if place.get("address")]
    phones = [p["phone"] for p in places if p.get("phone")]
    return {
        "id": guide.code or guide.key,
        "name": guide.name,
        "aliases": aliases_of(guide),
        "department": f.get("department", ""),
        "conditions": f.get("conditions", ""),
        "materials": _unique([m for materials in guide.situations.values() for m in materials]),
        "situations": situations,
        "steps": split_list(f.get("steps", ""), mapping),
        "legal_time_limit": f.get("legal_time_limit", ""),
        "promised_time_limit": f.get("promised_time_limit", ""),
        "fee": f.get("fee", ""),
        "places": places,
        "hotline": phones[0] if phones else hotline,
        "online": {"available": guide.online},
        "legal_basis": split_list(f.get("legal_basis", ""), mapping),
        "status": status,
    }


def import_guides(
    store,
    filename: str,
    content: bytes,
    who,
    mapping_text: Optional[str] = None,
    status: str = "draft",
    dry_run: bool = False,
    mode: str = "all",
) -> Dict[str, Any]:
    """Reads the export with the mapping (the shipped one when none is given) and imports its items; the result
    is the item import's, with the export's own row problems (`export_problems`) and how many rows it had."""
    from knowledge.importer import import_file
    from knowledge.tabular import write_jsonl

    mapping = Mapping.load(mapping_text if mapping_text is not None else DEFAULT_MAPPING.read_text(encoding="utf-8"))
    guides, problems = read_guides(filename, content, mapping)
    if not guides:
        raise MappingError("表中没有可导入的事项")
    records = [to_record(g, mapping, status) for g in guides]
    result = import_file(
        store,
        "item",
        "guides.jsonl",
        write_jsonl(records),
        who,
        source="guide-export",
        dry_run=dry_run,
        mode=mode,
        create_departments=True,
    )

    result["export_rows"] = sum(len(g.rows) for g in guides) + len(problems)
    result["export_problems"] = [{"row": p.row, "reason": p.reason} for p in problems]
    return result
