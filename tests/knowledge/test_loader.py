from pathlib import Path

import pytest

from knowledge.loader import KnowledgeFileError, load_profile, source_hash
from knowledge.store import KnowledgeStore
from knowledge.sync import sync_profile
from knowledge.validate import find_problems
from tests.conftest import MINI_PROFILE, write_profile


def test_loads_every_kind_and_derives_life_events(mini_profile):
    bundle = load_profile(mini_profile)
    assert [i.id for i in bundle.items] == ["ga-idcard-reissue", "rs-sscard-apply"]
    assert [f.id for f in bundle.faqs] == ["faq-ga-001"]
    assert bundle.items[0].life_events == ["pk-newborn"]
    assert bundle.profile.cities[0].name == "太原市"
    assert find_problems(bundle) == []


def test_bad_entry_names_file_row_and_id(tmp_path):
    files = dict(MINI_PROFILE)
    files["faqs/ga.yml"] = "- {id: faq-x, question: 问, answer: 答, status: 乱写}\n"
    directory = write_profile(tmp_path / "p", files)
    with pytest.raises(KnowledgeFileError) as exc:
        load_profile(directory)
    assert "ga.yml 第 1 条（id=faq-x）" in str(exc.value)


def test_validation_reports_broken_links_and_duplicates(tmp_path):
    files = dict(MINI_PROFILE)
    files["faqs/ga.yml"] = (
        "- {id: faq-a, question: 同一个问题, answer: 答, items: [no-such-item], department: nobody}\n"
        "- {id: faq-a, question: 同一个问题, answer: 答}\n"
    )
    problems = find_problems(load_profile(write_profile(tmp_path / "p", files)))
    assert "faq id 重复：faq-a" in problems
    assert "FAQ 问题重复：同一个问题" in problems
    assert "FAQ faq-a：关联事项 no-such-item 不存在" in problems
    assert "FAQ faq-a：部门 nobody 不存在" in problems


def test_sync_skips_unchanged_and_versions_changes(tmp_path, mini_profile):
    store = KnowledgeStore(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    first = sync_profile(mini_profile, store)
    assert first["changed"] and first["item"] == 2 and first["faq"] == 1
    assert sync_profile(mini_profile, store) == {"changed": False}
    faq_file = mini_profile / "faqs" / "ga.yml"
    faq_file.write_text(faq_file.read_text(encoding="utf-8").replace("20元。", "20元，可微信支付。"), encoding="utf-8")
    assert sync_profile(mini_profile, store)["changed"]
    assert store.get("faq", "faq-ga-001")["answer"].endswith("可微信支付。")
    assert store.count("item") == 2


def test_source_hash_changes_with_content(mini_profile):
    before = source_hash(mini_profile)
    (mini_profile / "apps.yml").write_text("[]\n", encoding="utf-8")
    assert source_hash(mini_profile) != before


def test_shipped_sample_profile_loads_without_problems():
    sample = Path(__file__).resolve().parents[2] / "knowledge" / "sample" / "shanxi"
    bundle = load_profile(sample)
    assert find_problems(bundle) == []
    assert any(item.id == "ga-idcard-reissue" for item in bundle.items)


def test_every_change_is_logged_once_in_order(tmp_path, mini_profile):
    store = KnowledgeStore(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    sync_profile(mini_profile, store)
    start = store.latest_change()
    assert start == 9  # 2 items, 1 FAQ, 1 package, 1 app, 2 departments, 2 synonyms: one row each
    faq = store.get("faq", "faq-ga-001")
    assert not store.upsert("faq", faq)  # unchanged: no change row
    faq["answer"] = "补领收费20元。"
    assert store.upsert("faq", faq)
    assert store.delete("app", "app-sscard-query")
    assert not store.delete("app", "app-sscard-query")
    assert store.changes_since(start) == [(start + 1, "faq", "faq-ga-001"), (start + 2, "app", "app-sscard-query")]
    assert store.latest_change() == start + 2
