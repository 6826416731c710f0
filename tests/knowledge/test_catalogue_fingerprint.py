"""Shanxi, now built from the shared catalogue and its overrides, loads to the same entries as before the move.

The reference (fixtures/shanxi_fingerprint.json) holds one hash per entry of the Shanxi sample as it was loaded
when it was still one self-contained directory. Whitespace inside texts does not count, nor do fields added to
the models since, as long as they keep their empty default. Regenerate it from a commit with
`python -m tests.knowledge.test_catalogue_fingerprint <commit>` only when an entry is meant to change.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from knowledge.loader import load_profile

ROOT = Path(__file__).resolve().parents[2]
SHANXI = ROOT / "knowledge" / "sample" / "shanxi"
REFERENCE = Path(__file__).resolve().parent / "fixtures" / "shanxi_fingerprint.json"
NEW_FIELDS = ("cross_region", "situations")  # added after the reference was taken; empty for Shanxi
WHITESPACE = re.compile(r"\s+")


def _normalise(value):
    if isinstance(value, str):
        return WHITESPACE.sub("", value)
    if isinstance(value, dict):
        return {key: _normalise(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def _entry_hash(data: dict) -> str:
    data = {k: v for k, v in data.items() if not (k in NEW_FIELDS and v in ([], "", None, False))}
    text = json.dumps(_normalise(data), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def fingerprint(directory: Path) -> dict:
    """kind -> {entry key -> hash} of a loaded profile, plus its cities and counties."""
    bundle = load_profile(directory)
    out = {kind: {m.id: _entry_hash(json.loads(m.json())) for m in models} for kind, models in bundle.entries().items()}
    out["synonym"] = {s.official: _entry_hash(json.loads(s.json())) for s in bundle.synonyms}
    cities = [city.dict() for city in bundle.profile.cities]
    out["regions"] = hashlib.sha256(json.dumps(cities, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
    out["province"] = bundle.profile.province
    return out


def test_shanxi_loads_to_the_reference_entries():
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    current = fingerprint(SHANXI)
    for kind in ("item", "faq", "package", "app", "department", "synonym"):
        assert sorted(current[kind]) == sorted(reference[kind]), f"{kind}: 条目编号变了"
        changed = sorted(key for key, digest in reference[kind].items() if current[kind][key] != digest)
        assert changed == [], f"{kind}: 这些条目的内容变了：{changed}"
    assert current["regions"] == reference["regions"]
    assert current["province"] == reference["province"]


def test_fingerprint_notices_a_changed_text(tmp_path):
    import shutil

    copy = tmp_path / "sample"
    shutil.copytree(SHANXI.parent, copy)
    before = fingerprint(copy / "shanxi")
    target = next((copy / "catalogue" / "items").glob("*.yml"))
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("工作日", "个工作日", 1), encoding="utf-8")
    after = fingerprint(copy / "shanxi")
    assert [k for k in before["item"] if before["item"][k] != after["item"][k]], "改动了一条事项却没有被发现"


def _export_commit(commit: str, target: Path) -> Path:
    """knowledge/sample/ of `commit` (Shanxi and the catalogue it names) written under `target`."""
    prefix = "knowledge/sample/"
    names = subprocess.check_output(["git", "ls-tree", "-r", "--name-only", commit, prefix], cwd=ROOT, text=True)
    for name in names.split():
        path = target / name[len(prefix) :]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(subprocess.check_output(["git", "show", f"{commit}:{name}"], cwd=ROOT))
    return target


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        reference = fingerprint(_export_commit(sys.argv[1] if len(sys.argv) > 1 else "HEAD", Path(tmp)) / "shanxi")
    REFERENCE.write_text(json.dumps(reference, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{REFERENCE}: " + "，".join(f"{k} {len(v)}" for k, v in reference.items() if isinstance(v, dict)))
