"""The three sample profiles: each loads from the shared catalogue and reads as its own platform only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from knowledge.loader import load_profile, source_hash
from knowledge.placeholders import profile_values
from knowledge.validate import find_problems

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample"
PROFILES = ("shanxi", "yunnan", "ningxia")
LINK = re.compile(r"\b([a-z][a-z0-9+.\-]*)://")


def raw_profile(name: str) -> dict:
    return yaml.safe_load((SAMPLE / name / "profile.yml").read_text(encoding="utf-8"))


def own_words(name: str) -> set:
    """Words that name this profile's platform or province: they must not appear in another profile."""
    raw = raw_profile(name)
    values = profile_values(raw)
    words = {
        values[k]
        for k in (
            "platform",
            "platform_short",
            "app_name",
            "mini_program_name",
            "province",
            "province_short",
            "capital",
            "capital_city",
        )
    }
    words |= {city["name"] for city in raw["cities"]}
    words |= {f"{scheme}://" for scheme in raw["link_schemes"]} | set(raw["link_schemes"])
    return {word for word in words if word}


@pytest.fixture(scope="module")
def bundles():
    return {name: load_profile(SAMPLE / name) for name in PROFILES}


def entry_texts(bundle):
    for kind, models in bundle.entries().items():
        for model in models:
            yield kind, model.id, json.dumps(json.loads(model.json()), ensure_ascii=False)
    for synonym in bundle.synonyms:
        yield "synonym", synonym.official, json.dumps(synonym.dict(), ensure_ascii=False)


def test_other_profiles_words_are_known():
    # the words the next test looks for, as the brief lists them
    assert {"三晋通", "山西", "sanjintong", "太原"} <= own_words("shanxi")
    assert {"办事通", "云南", "昆明", "ynbst"} <= own_words("yunnan")
    assert {"我的宁夏", "宁夏", "银川", "wdnx"} <= own_words("ningxia")


def foreign_words(bundle, name: str) -> list:
    """(kind, id, word) for every word of another profile found in this profile's entries."""
    foreign = set().union(*(own_words(other) for other in PROFILES if other != name))
    pattern = re.compile("|".join(sorted(map(re.escape, foreign), key=len, reverse=True)))
    return sorted(
        {(kind, ident, match) for kind, ident, text in entry_texts(bundle) for match in pattern.findall(text)}
    )


@pytest.mark.parametrize("name", PROFILES)
def test_no_entry_names_another_profile(bundles, name):
    assert foreign_words(bundles[name], name) == []


def test_a_foreign_word_in_an_override_is_found(tmp_path):
    import shutil

    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    with (copy / "yunnan" / "overrides" / "apps.yml").open("w", encoding="utf-8") as out:
        out.write("app-bus-code: {description: 在太原扫码乘车}\n")
    assert foreign_words(load_profile(copy / "yunnan"), "yunnan") == [("app", "app-bus-code", "太原")]


@pytest.mark.parametrize("name", PROFILES)
def test_no_placeholder_is_left(bundles, name):
    left = [(kind, ident) for kind, ident, text in entry_texts(bundles[name]) if "{{" in text or "}}" in text]
    assert left == []


@pytest.mark.parametrize("name", PROFILES)
def test_places_links_and_labels_belong_to_the_profile(bundles, name):
    bundle = bundles[name]
    raw = raw_profile(name)
    cities = {city.name for city in bundle.profile.cities}
    schemes = set(raw["link_schemes"]) | {"https"}
    labels = set(raw["cross_region_labels"])
    for item in bundle.items:
        assert any(place.region == "*" for place in item.places), item.id
        assert {p.region for p in item.places} - {"*"} <= cities, item.id
        assert set(item.cross_region) <= labels, item.id
    for package in bundle.packages:
        assert {p.region for p in package.places} - {"*"} <= cities, package.id
    links = [item.online.link for item in bundle.items] + [p.online.link for p in bundle.packages]
    links += [app.link for app in bundle.apps]
    for link in links:
        assert link == "" or link.split("://")[0] in schemes, link
    for kind, ident, text in entry_texts(bundle):
        assert set(LINK.findall(text)) <= schemes, (kind, ident)
    for key in ("login_link", "item_link", "app_link"):
        assert raw[key].split("://")[0] in schemes


@pytest.mark.parametrize("name", PROFILES)
def test_profile_is_marked_as_sample_and_validates(bundles, name):
    raw = raw_profile(name)
    assert raw["sample"] is True and raw["catalogue"] == "../catalogue"
    assert find_problems(bundles[name]) == []
    for path in (SAMPLE / name).rglob("*.yml"):
        assert "演示数据，地址、电话为示例" in path.read_text(encoding="utf-8").split("\n", 3)[0:3].__str__(), path


def test_regions_of_yunnan_and_ningxia():
    yunnan = raw_profile("yunnan")["cities"]
    assert len(yunnan) == 16 and sum(len(c["counties"]) for c in yunnan) == 129
    assert sum(c["name"].endswith("自治州") for c in yunnan) == 8
    ningxia = raw_profile("ningxia")["cities"]
    assert [c["name"] for c in ningxia] == ["银川市", "石嘴山市", "吴忠市", "固原市", "中卫市"]
    assert sum(len(c["counties"]) for c in ningxia) == 22
    for cities in (yunnan, ningxia):
        codes = [k["code"] for c in cities for k in c["counties"]] + [c["code"] for c in cities]
        assert len(set(codes)) == len(codes) and all(re.fullmatch(r"\d{6}", code) for code in codes)
        assert all(k["code"][:4] == c["code"][:4] for c in cities for k in c["counties"])


def test_yunnan_marks_southwest_cooperation(bundles):
    items = {item.id: item for item in bundles["yunnan"].items}
    for item_id in (
        "ga-idcard-reissue",
        "ga-hukou-move-in",
        "rs-pension-transfer",
        "yb-offsite-filing",
        "gjj-withdraw-rent",
        "sc-company-setup",
    ):
        assert "西南区域通办" in items[item_id].cross_region, item_id
    assert not any(item.cross_region for item in bundles["shanxi"].items)
    main = {"昆明市", "曲靖市", "玉溪市", "大理白族自治州", "红河哈尼族彝族自治州"}
    for item in items.values():
        if item.high_frequency:
            assert main <= {place.region for place in item.places}, item.id


def test_ningxia_feedback_and_elder_mode():
    raw = raw_profile("ningxia")
    assert raw["feedback_channels"] == ["好差评", "问卷", "体验官"]
    assert raw["elder_mode"] == {"high_contrast": True, "read_aloud": True}


def test_a_catalogue_change_changes_every_profile_fingerprint(tmp_path):
    import shutil

    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    before = {name: source_hash(copy / name) for name in PROFILES}
    (copy / "catalogue" / "apps.yml").write_text("[]\n", encoding="utf-8")
    assert all(source_hash(copy / name) != before[name] for name in PROFILES)
