"""Loading another province's profile into the same knowledge base leaves nothing of the first one."""

from __future__ import annotations

from pathlib import Path

from knowledge.store import KnowledgeStore
from knowledge.sync import sync_profile

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample"


def test_switching_profiles_replaces_the_platform_everywhere(tmp_path):
    store = KnowledgeStore(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    first = sync_profile(SAMPLE / "ningxia", store)
    assert first["changed"] and first["removed"] == 0
    assert store.get("app", "app-experience-officer") is not None
    assert "我的宁夏" in store.get("faq", "faq-platform-001")["answer"]

    second = sync_profile(SAMPLE / "yunnan", store)
    assert second["removed"] == 5  # Ningxia's own 3 FAQs, 1 app and its 我的宁夏 synonym
    assert store.get("app", "app-experience-officer") is None
    assert store.get("faq", "faq-nx-001") is None and store.get("faq", "faq-yn-001") is not None
    answer = store.get("faq", "faq-platform-001")["answer"]
    assert "办事通" in answer and "宁夏" not in answer
    assert store.get("item", "ga-idcard-first")["online"]["link"] == "ynbst://item/ga-idcard-first"
    officials = {entry["official"] for entry in store.iter_entries("synonym", status=None)}
    assert "办事通" in officials and "我的宁夏" not in officials
