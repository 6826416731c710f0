"""nlu/kb_terms.py: the knowledge base's names as entity terms and tokenizer words."""

from nlu.kb_terms import is_document, load_terms, name_variants


def test_mini_profile_terms(mini_terms):
    by_text = mini_terms.by_text()
    assert by_text["补办身份证"] == ("item", ["ga-idcard-reissue"])  # alias
    assert by_text["居民身份证补领"] == ("item", ["ga-idcard-reissue"])  # name
    assert by_text["补领身份证"] == ("item", ["ga-idcard-reissue"])  # certificate's everyday name + action word
    assert by_text["身份证"] == ("document", ["居民身份证"])
    assert by_text["身分证"] == ("document", ["居民身份证"])  # a typo citizens make, from synonyms.yml
    assert by_text["新生儿出生一件事"] == ("life_event", ["pk-newborn"])
    assert by_text["山西省公安厅"] == ("department", ["ga"])
    assert by_text["太原"] == ("region", ["太原市"])
    assert by_text["小店区"] == ("region", ["太原市小店区"])
    assert by_text["大同平城区"] == ("region", ["大同市平城区"])
    assert "身份证丢了" not in by_text  # a situation, not a name: retrieval handles it


def test_sample_terms_resolve_conflicts(sample_terms):
    by_text = sample_terms.by_text()
    assert by_text["户口迁移"] == ("item", ["ga-hukou-move-in", "ga-hukou-move-out"])  # ask which one
    assert by_text["居住证"] == ("item", ["ga-residence-permit"])  # both a certificate and an item: the item
    assert by_text["暂住证"] == ("item", ["ga-residence-permit"])  # its colloquial name follows it
    assert by_text["驾照"] == ("document", ["机动车驾驶证"])  # renewed or replaced: stays a certificate
    assert by_text["驾照换证"] == ("item", ["ga-driving-license-renew"])
    assert by_text["补办驾照"] == ("item", ["ga-driving-license-reissue"])
    assert by_text["失业金"] == ("item", ["rs-unemployment-benefit"])
    assert by_text["离婚"] == ("item", ["mz-divorce"])  # 离婚登记 without 登记
    assert "公积金" not in by_text  # the fund, although a department alias
    assert "退休" not in by_text and "失业" not in by_text  # life-event words, no item
    assert "城区" not in by_text and "小店" not in by_text  # county names too generic on their own
    assert by_text["阳泉城区"] == ("region", ["阳泉市城区"])
    assert by_text["平遥"] == ("region", ["晋中市平遥县"])
    assert by_text["介休"] == ("region", ["晋中市介休市"])


def test_dictionary_words_are_names_not_questions(sample_terms):
    words = set(sample_terms.dictionary_words())
    assert {"补办身份证", "社保卡", "太原市", "三晋通"} <= words
    assert not any("怎么" in w or "吗" in w for w in words)
    assert all(2 <= len(w) <= 8 for w in words)


def test_name_variants_and_documents():
    assert name_variants("出生登记（新生儿入户）") == ["出生登记（新生儿入户）", "出生登记", "新生儿入户"]
    assert name_variants("学历证明/学籍证明") == ["学历证明/学籍证明", "学历证明", "学籍证明"]
    assert name_variants("户口迁移（迁入）") == ["户口迁移（迁入）", "户口迁移"]
    assert is_document("居民身份证") and is_document("无犯罪记录证明") and not is_document("住房公积金")


def test_fingerprint_changes_with_the_knowledge_base(mini_profile):
    before = load_terms(mini_profile).fingerprint()
    items = mini_profile / "items" / "ga.yml"
    items.write_text(
        items.read_text(encoding="utf-8").replace("身份证丢了]", "身份证丢了, 补个身份证]"), encoding="utf-8"
    )
    after = load_terms(mini_profile)
    assert after.fingerprint() != before and after.by_text()["补个身份证"] == ("item", ["ga-idcard-reissue"])
