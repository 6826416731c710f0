"""nlu/gazetteer.py: the spaCy blank-zh EntityRuler built from the knowledge base."""

import spacy

from nlu.gazetteer import Gazetteer, blank_chinese


def spans(gazetteer, text):
    return [(m.entity, m.text, m.values) for m in gazetteer.find(text)]


def test_blank_chinese_segments_by_character_without_any_model():
    nlp = blank_chinese()
    assert [t.text for t in nlp("补办身份证")] == ["补", "办", "身", "份", "证"]
    assert spacy.__version__ == "3.4.4"


def test_finds_names_by_character_offsets(mini_terms):
    gazetteer = Gazetteer.from_terms(mini_terms)
    assert spans(gazetteer, "我在太原小店区，想补办身份证") == [
        ("region", "太原小店区", ("太原市小店区",)),
        ("item", "补办身份证", ("ga-idcard-reissue",)),
    ]
    found = gazetteer.find("我想补办身份证")[0]
    assert (found.start, found.end) == (2, 7)


def test_longest_match_wins_and_case_is_ignored(sample_terms):
    gazetteer = Gazetteer.from_terms(sample_terms)
    assert spans(gazetteer, "SFZ丢了") == [("document", "SFZ", ("居民身份证",))]
    assert spans(gazetteer, "身份证补办") == [("item", "身份证补办", ("ga-idcard-reissue",))]
    assert spans(gazetteer, "户口迁移要什么材料") == [("item", "户口迁移", ("ga-hukou-move-in", "ga-hukou-move-out"))]
    assert spans(gazetteer, "今天天气不错") == []


def test_round_trip_through_disk(tmp_path, mini_terms):
    original = Gazetteer.from_terms(mini_terms)
    original.to_disk(tmp_path)
    loaded = Gazetteer.from_disk(tmp_path)
    assert loaded.patterns == original.patterns
    assert spans(loaded, "办社保卡") == [("item", "办社保卡", ("rs-sscard-apply",))]
