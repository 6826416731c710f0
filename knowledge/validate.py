"""Checks a loaded profile for broken links, empty fields and duplicates; returns readable problems."""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, List

from knowledge.loader import KnowledgeBundle

FLOW_APP_KEYS = ("progress", "complaint", "suggestion", "help_request")  # actions/forms/login.py's flows


def _duplicates(values) -> List[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


LINK = re.compile(r"\b([a-z][a-z0-9+.\-]*)://")


def _link_problems(bundle: KnowledgeBundle) -> Iterable[str]:
    """Links must be https or one of the schemes profile.yml allows (link_schemes)."""
    fields = bundle.profile_fields
    if "link_schemes" not in fields:
        return
    allowed = set(fields.get("link_schemes") or []) | {"https"}
    for name in ("login_link", "item_link", "app_link", "package_link"):
        value = str(fields.get(name) or "")
        if value and LINK.match(value) is None:
            yield f"profile.yml：{name} 不是链接：{value}"
        elif value and LINK.match(value).group(1) not in allowed:
            yield f"profile.yml：{name} 的协议不在 link_schemes 中：{value}"
    for kind, models in bundle.entries().items():
        for model in models:
            for scheme in sorted(set(LINK.findall(model.json())) - allowed):
                yield f"{kind} {model.id}：链接协议 {scheme}:// 不在 profile.yml 的 link_schemes 中"


def _cross_region_problems(bundle: KnowledgeBundle) -> Iterable[str]:
    labels = set(bundle.profile_fields.get("cross_region_labels") or [])
    for entry in list(bundle.items) + list(bundle.packages):
        for label in entry.cross_region:
            if label not in labels:
                yield f"{entry.id}：通办标签“{label}”不在 profile.yml 的 cross_region_labels 中"
            if label == "跨省通办":
                yield f"{entry.id}：跨省通办用 cross_province: true 表示，cross_region 只写区域通办标签"


def find_problems(bundle: KnowledgeBundle) -> List[str]:
    problems: List[str] = []
    item_ids = {item.id for item in bundle.items}
    department_ids = {dep.id for dep in bundle.departments}
    city_names = {city.name for city in bundle.profile.cities}

    for kind, models in bundle.entries().items():
        for dup in _duplicates(m.id for m in models):
            problems.append(f"{kind} id 重复：{dup}")
    for dup in _duplicates(faq.question for faq in bundle.faqs):
        problems.append(f"FAQ 问题重复：{dup}")

    for item in bundle.items:
        if item.department not in department_ids:
            problems.append(f"事项 {item.id}：部门 {item.department} 不存在")
        if not item.materials:
            problems.append(f"事项 {item.id}：材料清单为空")
        if not any(place.region == "*" for place in item.places):
            problems.append(f'事项 {item.id}：缺少全省通用（region: "*"）的办理地点')
        for place in item.places:
            if place.region != "*" and place.region not in city_names:
                problems.append(f"事项 {item.id}：办理地点的地区 {place.region} 不在 profile.yml 中")
        for name in ("conditions", "fee", "hotline", "legal_time_limit", "promised_time_limit"):
            if not str(getattr(item, name)).strip():
                problems.append(f"事项 {item.id}：{name} 为空")
    for faq in bundle.faqs:
        if not faq.answer.strip():
            problems.append(f"FAQ {faq.id}：答案为空")
        for item_id in faq.items:
            if item_id not in item_ids:
                problems.append(f"FAQ {faq.id}：关联事项 {item_id} 不存在")
        if faq.department and faq.department not in department_ids:
            problems.append(f"FAQ {faq.id}：部门 {faq.department} 不存在")
    for package in bundle.packages:
        for item_id in package.items + [i for group in package.together for i in group]:
            if item_id not in item_ids:
                problems.append(f"一件事 {package.id}：事项 {item_id} 不存在")
    for app in bundle.apps:
        if app.department and app.department not in department_ids:
            problems.append(f"应用 {app.id}：部门 {app.department} 不存在")
    for package in bundle.packages:
        for place in package.places:
            if place.region != "*" and place.region not in city_names:
                problems.append(f"一件事 {package.id}：办理地点的地区 {place.region} 不在 profile.yml 中")
    for department in bundle.profile.live_chat.departments:
        if department not in department_ids:
            problems.append(f"profile.yml：live_chat.departments 中的部门 {department} 不存在")
    app_ids = {app.id for app in bundle.apps}
    for flow, app_id in bundle.profile.flow_apps.items():
        if flow not in FLOW_APP_KEYS:
            problems.append(f"profile.yml：flow_apps 的业务 {flow} 不认识（可用：{'、'.join(FLOW_APP_KEYS)}）")
        if app_id not in app_ids:
            problems.append(f"profile.yml：flow_apps.{flow} 的便民应用 {app_id} 不存在")
    problems += _link_problems(bundle)
    problems += _cross_region_problems(bundle)
    return list(dict.fromkeys(problems))
