"""Loading the profile files: staff edits survive a reload; synonyms become editable entries."""

from __future__ import annotations

from knowledge.schema import synonym_id
from knowledge.staff import StaffMember
from knowledge.sync import sync_profile
from knowledge.workflow import Workflow

REVIEWER = StaffMember("李审核", "reviewer", 2)


def test_a_changed_profile_does_not_overwrite_what_staff_published(kb, mini_profile):
    flow = Workflow(kb)
    flow.save("faq", dict(kb.get("faq", "faq-ga-001"), answer="工作人员改过的答案。"), REVIEWER)
    flow.publish("faq", "faq-ga-001", REVIEWER)
    items = mini_profile / "items" / "rs.yml"
    items.write_text(items.read_text(encoding="utf-8").replace("fee: 不收费", "fee: 免费"), encoding="utf-8")
    faqs = mini_profile / "faqs" / "ga.yml"
    faqs.write_text(faqs.read_text(encoding="utf-8").replace("20元。", "二十元。"), encoding="utf-8")
    result = sync_profile(mini_profile, kb)
    assert result["changed"] and result["kept"] == 1
    assert kb.get("faq", "faq-ga-001")["answer"] == "工作人员改过的答案。"
    assert kb.get("item", "rs-sscard-apply")["fee"] == "免费"


def test_synonyms_are_loaded_as_entries(kb):
    entry = kb.get("synonym", synonym_id("社会保障卡"))
    assert (entry["official"], entry["colloquial"], entry["status"]) == ("社会保障卡", ["社保卡"], "published")
