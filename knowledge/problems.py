"""Chinese descriptions of what is wrong with an entry, for staff (admin API, imports, the CLI)."""

from __future__ import annotations

from typing import Dict, List, Tuple

from pydantic import ValidationError

from pydantic_zh import describe_error

FIELD_LABELS: Dict[str, str] = {
    "id": "id（编号）",
    "question": "question（问题）",
    "similar_questions": "similar_questions（相似问法）",
    "answer": "answer（答案）",
    "department": "department（部门）",
    "keywords": "keywords（关键词）",
    "status": "status（状态）",
    "items": "items（关联事项）",
    "name": "name（名称）",
    "aliases": "aliases（别名）",
    "description": "description（说明）",
    "link": "link（链接）",
    "official": "official（规范名称）",
    "colloquial": "colloquial（群众说法）",
    "conditions": "conditions（办理条件）",
    "materials": "materials（申请材料）",
    "steps": "steps（办理流程）",
    "legal_time_limit": "legal_time_limit（法定时限）",
    "promised_time_limit": "promised_time_limit（承诺时限）",
    "fee": "fee（收费）",
    "places": "places（办理地点）",
    "hotline": "hotline（咨询电话）",
    "online": "online（网上办理）",
    "updated_at": "updated_at（更新日期）",
    "audience": "audience（服务对象）",
    "themes": "themes（主题）",
    "together": "together（可一并办理）",
    "shared_materials": "shared_materials（共用材料）",
    "region_scope": "region_scope（适用范围）",
    "editor": "editor（编辑）",
    "reviewer": "reviewer（审核）",
}


def label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


HINTS = {
    ("id", "value_error.str.regex"): "id（编号）不能只有空格，也不能含有控制字符（如换行、制表符）",
    ("status", "type_error.enum"): "status（状态）只能是 published（已发布）或 draft（草稿）",
    ("status", "value_error.const"): "status（状态）只能是 published（已发布）或 draft（草稿）",
}


def describe(exc: ValidationError) -> List[Tuple[str, str]]:
    """[(field, reason)] in Chinese, one per problem, in the model's field order."""
    out: List[Tuple[str, str]] = []
    for error in exc.errors():
        loc = error.get("loc", ())
        out.append((str(loc[0]) if loc else "", describe_error(error, FIELD_LABELS, HINTS)))
    return list(dict.fromkeys(out))
