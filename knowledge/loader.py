"""Reads a knowledge-base profile directory (reviewable YAML files) into validated entries.

Layout of a profile directory (docs/profiles.md):
    profile.yml        the province, platform, its links and wording, cities/counties
    departments.yml    departments
    synonyms.yml       colloquial ↔ official terms
    items/*.yml        政务服务事项 with their guides
    faqs/*.yml         常见问题
    packages.yml       一件事一次办
    apps.yml           便民服务应用
    overrides/*.yml    fields that differ from the shared catalogue, by entry id (items, faqs, packages, apps)

When profile.yml names a `catalogue` directory (same layout, no profile.yml), its entries are read first;
the profile's own entries with the same id (or, for synonyms, the same official term) replace them, new ones
are added, and overrides change single fields. Placeholders such as {{platform_short}} in any text are then
filled from the profile (knowledge/placeholders.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from pydantic import ValidationError

from knowledge.overrides import OverrideError, apply_override, is_omitted, parse_overrides
from knowledge.placeholders import PlaceholderError, fill_entry, profile_values
from knowledge.schema import App, Department, Faq, Item, Package, Regions, Synonym


class KnowledgeFileError(ValueError):
    """A source file that cannot be read or does not match the schema."""


@dataclass
class KnowledgeBundle:
    profile: Regions
    profile_fields: Dict[str, object] = field(default_factory=dict)  # profile.yml as written (all its fields)
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


# kind -> (model, source: a file name or a directory of *.yml, key of an entry)
KINDS = {
    "department": (Department, "departments.yml", "id"),
    "synonym": (Synonym, "synonyms.yml", "official"),
    "item": (Item, "items", "id"),
    "faq": (Faq, "faqs", "id"),
    "package": (Package, "packages.yml", "id"),
    "app": (App, "apps.yml", "id"),
}
OVERRIDE_FILES = {"item": "items.yml", "faq": "faqs.yml", "package": "packages.yml", "app": "apps.yml"}


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one mapping (PyYAML would keep the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"重复的键：{key}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path, unique_keys: bool = False):
    try:
        text = path.read_text(encoding="utf-8")
        return yaml.load(text, Loader=_UniqueKeyLoader) if unique_keys else yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeFileError(f"{path}: 无法读取：{exc}") from exc


@dataclass
class _Row:
    data: dict
    path: Path
    number: int


def _read_rows(path: Path) -> List[_Row]:
    rows = _read_yaml(path) or []
    if not isinstance(rows, list):
        raise KnowledgeFileError(f"{path}: 应为条目列表")
    out = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise KnowledgeFileError(f"{path} 第 {number} 条不符合格式：应为字段映射")
        out.append(_Row(row, path, number))
    return out


def _source_rows(directory: Path, source: str) -> List[_Row]:
    path = directory / source
    if source.endswith(".yml"):
        return _read_rows(path) if path.exists() else []
    return [row for file in sorted(path.glob("*.yml")) for row in _read_rows(file)]


def _merge_rows(base: List[_Row], own: List[_Row], key: str) -> List[_Row]:
    """The catalogue's rows with the profile's rows replacing those of the same key, new ones appended."""
    first_own: Dict[object, _Row] = {}
    for row in own:
        first_own.setdefault(row.data.get(key), row)
    merged = [first_own.get(row.data.get(key), row) for row in base]
    placed = {id(row) for row in merged}
    return merged + [row for row in own if id(row) not in placed]  # a duplicate stays, for validation to report


def _build(rows: List[_Row], model, values: Optional[dict]) -> list:
    out = []
    for row in rows:
        ident = row.data.get("id", row.data.get("official", "?"))
        try:
            data = fill_entry(row.data, values, str(ident)) if values is not None else row.data
            out.append(model(**data))
        except PlaceholderError as exc:
            raise KnowledgeFileError(f"{row.path} 第 {row.number} 条（id={ident}）：{exc}") from exc
        except (ValidationError, TypeError) as exc:
            raise KnowledgeFileError(f"{row.path} 第 {row.number} 条（id={ident}）不符合格式：{exc}") from exc
    return out


def _read_profile(directory: Path) -> dict:
    profile_path = directory / "profile.yml"
    if not profile_path.exists():
        raise KnowledgeFileError(f"{directory}: 缺少 profile.yml")
    raw = _read_yaml(profile_path) or {}
    if not isinstance(raw, dict):
        raise KnowledgeFileError(f"{profile_path}: 应为字段映射")
    return raw


def catalogue_dir(directory: Path, raw: Optional[dict] = None) -> Optional[Path]:
    """The shared catalogue directory a profile names (`catalogue:` in profile.yml), or None."""
    directory = Path(directory)
    if raw is None:
        try:
            raw = _read_profile(directory)
        except KnowledgeFileError:
            return None
    name = raw.get("catalogue")
    if not name:
        return None
    path = (directory / str(name)).resolve()
    if not path.is_dir():
        raise KnowledgeFileError(f"{directory / 'profile.yml'}: catalogue 目录 {name} 不存在")
    return path


def _hash_tree(digest, directory: Path, prefix: str) -> None:
    for path in sorted(p for p in Path(directory).rglob("*") if p.is_file()):
        digest.update((prefix + str(path.relative_to(directory))).encode())
        digest.update(path.read_bytes())


def source_hash(directory: Path) -> str:
    """A fingerprint of every file in the profile and in the catalogue it names, to skip reloading."""
    directory = Path(directory)
    digest = hashlib.sha256()
    _hash_tree(digest, directory, "")
    try:
        shared = catalogue_dir(directory)
    except KnowledgeFileError:
        shared = None
    if shared is not None:
        _hash_tree(digest, shared, "catalogue:")
    return digest.hexdigest()


def load_profile(directory: Path) -> KnowledgeBundle:
    directory = Path(directory)
    raw = _read_profile(directory)
    try:
        profile = Regions(**raw)
    except (ValidationError, TypeError) as exc:
        raise KnowledgeFileError(f"{directory / 'profile.yml'} 不符合格式：{exc}") from exc
    shared = catalogue_dir(directory, raw)
    # Placeholders are filled in every profile that uses a catalogue; a self-contained profile is read as is.
    values = profile_values(raw) if shared is not None else None

    built: Dict[str, list] = {}
    for kind, (model, source, key) in KINDS.items():
        rows = _source_rows(shared, source) if shared is not None else []
        rows = _merge_rows(rows, _source_rows(directory, source), key)
        if kind in OVERRIDE_FILES:
            rows = _apply_override_file(rows, directory / "overrides" / OVERRIDE_FILES[kind])
        built[kind] = _build(rows, model, values)

    bundle = KnowledgeBundle(
        profile=profile,
        profile_fields=raw,
        departments=built["department"],
        synonyms=built["synonym"],
        items=built["item"],
        faqs=built["faq"],
        packages=built["package"],
        apps=built["app"],
    )
    _derive_life_events(bundle)
    return bundle


def _apply_override_file(rows: List[_Row], path: Path) -> List[_Row]:
    """The rows with the fields an override file changes; entries it omits are left out."""
    if not path.exists():
        return rows
    try:
        patches = parse_overrides(_read_yaml(path, unique_keys=True))
        known = {row.data.get("id") for row in rows}
        unknown = sorted(set(patches) - known)
        if unknown:
            raise OverrideError(f"目录与本地条目中没有这些编号：{'、'.join(unknown)}")
        out = []
        for row in rows:
            patch = patches.get(row.data.get("id"))
            if patch is None:
                out.append(row)
            elif not is_omitted(patch):
                out.append(_Row(apply_override(row.data, patch), row.path, row.number))
        return out
    except OverrideError as exc:
        raise KnowledgeFileError(f"{path}: {exc}") from exc


def _derive_life_events(bundle: KnowledgeBundle) -> None:
    """An item's life events are the packages that list it (one source of truth: packages.yml)."""
    by_item: Dict[str, List[str]] = {}
    for package in bundle.packages:
        for item_id in package.items:
            by_item.setdefault(item_id, []).append(package.id)
    for item in bundle.items:
        item.life_events = sorted(set(item.life_events) | set(by_item.get(item.id, [])))
