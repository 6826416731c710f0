"""Pinyin, initials, traditional characters and same-sound typos, over the shipped sample's vocabulary."""

import pytest

from search.searcher import KnowledgeSearcher
from search.spelling import Vocabulary, correct, fuzzy_syllable


@pytest.fixture(scope="module")
def searcher(sample_index):
    return KnowledgeSearcher(sample_index)


@pytest.mark.parametrize(
    "typed, corrected",
    [
        ("shebaoka", "社保卡"),  # full pinyin
        ("sfz丢了", "身份证丢了"),  # initials
        ("sbk", "社保卡"),
        ("gjj租房提取", "公积金租房提取"),
        ("gongjijin chaxun", "公积金 查询"),  # pinyin of two words
        ("shenfenzhengbuban", "身份证补办"),  # run-together pinyin, segmented
        ("驾照huanzheng", "驾照换证"),
        ("异地就医备按", "异地就医备案"),  # same-sound typo
        ("备按", "备案"),
        ("公基金贷款买房", "公积金贷款买房"),
        ("異地就醫備案", "异地就医备案"),  # traditional
    ],
)
def test_corrections(searcher, typed, corrected):
    assert searcher.corrected(typed)[1] == corrected


@pytest.mark.parametrize(
    "typed",
    [
        "户口不在本地能办低保吗",  # 不 is no typo of 簿
        "网约车证到期",  # 车证 is no typo of 扯证
        "新身份证多久能拿到手",
        "找工作要学历认证",
        "身份证丢了怎么补办",
        "帮家里老人办事",
    ],
)
def test_correct_text_is_left_alone(searcher, typed):
    normalized, corrected = searcher.corrected(typed)
    assert corrected == normalized


@pytest.mark.parametrize(
    "typed, suggestion, first",
    [
        ("shebaoka", "社保卡", "rs-sscard-electronic"),
        ("异地就医备按", "异地就医备案", "yb-offsite-filing"),
        ("sfz丢了", "身份证丢了", "ga-idcard-reissue"),
        ("身分證遺失補辦", "身分证遗失补办", "ga-idcard-reissue"),
    ],
)
def test_did_you_mean_and_results(searcher, typed, suggestion, first):
    page = searcher.search_page(typed, limit=3)
    assert page.suggestion == suggestion
    assert page.hits[0].id == first


def test_no_suggestion_for_well_typed_queries(searcher):
    assert searcher.search_page("身份证丢了怎么补办").suggestion is None
    assert searcher.search_page("社保卡😀丢了！！").suggestion is None  # noise is not a correction


def test_colloquial_typo_in_the_synonym_table_reaches_the_official_item(searcher):
    ids = [h.id for h in searcher.search("社保咔丢了", limit=3)]
    assert ids == ["rs-sscard-replace", "rs-sscard-loss", "faq-rs-003"]


def test_fuzzy_syllables_fold_regional_confusions():
    assert [fuzzy_syllable(s) for s in ("zhang", "chi", "shen", "lan", "qing")] == ["zan", "ci", "sen", "nan", "qin"]


def test_vocabulary_prefers_the_heavier_word_for_the_same_initials():
    vocab = Vocabulary.build({"身份证": 5.0, "审符值": 1.0, "社保卡": 3.0})
    assert correct("sfz", vocab) == "身份证"
    assert correct("shebaoka", vocab) == "社保卡"
    assert correct("xyz", vocab) == "xyz"
