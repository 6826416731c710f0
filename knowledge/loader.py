"""Reads a knowledge-base profile directory (reviewable YAML files) into validated entries.

Layout of a profile directory:
    profile.yml        the province, platform and its cities/counties (Regions)
    departments.yml    departments
    synonyms.yml       colloquial ↔ official terms
    items/*.yml        政务服务事项 with their guides
    faqs/*.yml         常见问题
    packages.yml       一件事一次办
    apps.yml           便民服务应用
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

import yaml
from pydantic import ValidationError

from knowledge.schema import App, Department, Faq, Item, Package, Regions, Synonym


class KnowledgeFileError(ValueError):
    """A source file that cannot be read or does not match the schema."""


@dataclass
class KnowledgeBundle:
    profile: Regions
    departments: List[Department] = field(default_factory=list)
    synonyms: List[Synonym] = field(default_factory=list)
    items: List[Item] = field(default_factory=list)
    faqs: List[Faq] = field(default_factory=list)
    packages: List[Package] = field(default_factory=list)
    apps: List[App] = field(default_factory=list)

    def entries(self) -> Dict[str, list]:
        """Entries by kind, as the store keeps them."""
        return {
            "item": self.items,
            "faq": self.faqs,
            "package": self.packages,
            "app": self.apps,
            "department": self.departments,
        }


def _read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeFileError(f"{path}: 无法读取：{exc}") from exc


def _read_list(path: Path, model) -> list:
    rows = _read_yaml(path) or []
    if not isinstance(rows, list):
        raise KnowledgeFileError(f"{path}: 应为条目列表")
    out = []
    for number, row in enumerate(rows, start=1):
        try:
            out.append(model(**row))
        except (ValidationError, TypeError) as exc:
            ident = row.get("id", "?") if isinstance(row, dict) else "?"
            raise KnowledgeFileError(f"{path} 第 {number} 条（id={ident}）不符合格式：{exc}") from exc
    return out


def _read_many(directory: Path, model) -> list:
    out: list = []
    for path in sorted(directory.glob("*.yml")):
        out.extend(_read_list(path, model))
    return out


def source_hash(directory: Path) -> str:
    """A fingerprint of every file in the profile, to skip reloading what did not change."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(directory).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_profile(directory: Path) -> KnowledgeBundle:
    directory = Path(directory)
    profile_path = directory / "profile.yml"
    if not profile_path.exists():
        raise KnowledgeFileError(f"{directory}: 缺少 profile.yml")
    try:
        profile = Regions(**(_read_yaml(profile_path) or {}))
    except ValidationError as exc:
        raise KnowledgeFileError(f"{profile_path} 不符合格式：{exc}") from exc

    def optional_list(name: str, model) -> list:
        path = directory / name
        return _read_list(path, model) if path.exists() else []

    bundle = KnowledgeBundle(
        profile=profile,
        departments=optional_list("departments.yml", Department),
        synonyms=optional_list("synonyms.yml", Synonym),
        items=_read_many(directory / "items", Item),
        faqs=_read_many(directory / "faqs", Faq),
        packages=optional_list("packages.yml", Package),
        apps=optional_list("apps.yml", App),
    )
    _derive_life_events(bundle)
    return bundle


def _derive_life_events(bundle: KnowledgeBundle) -> None:
    """An item's life events are the packages that list it (one source of truth: packages.yml)."""
    by_item: Dict[str, List[str]] = {}
    for package in bundle.packages:
        for item_id in package.items:
            by_item.setdefault(item_id, []).append(package.id)
    for item in bundle.items:
        item.life_events = sorted(set(item.life_events) | set(by_item.get(item.id, [])))
