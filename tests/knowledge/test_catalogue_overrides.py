"""Loader mechanics of a shared catalogue: profile entries replace catalogue ones, overrides change fields,
placeholders are filled from profile.yml, and validation checks links and 通办 labels."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from knowledge.loader import KnowledgeFileError, load_profile, source_hash
from knowledge.placeholders import province_short, province_unit
from knowledge.validate import find_problems

ITEM = """
- id: ga-idcard-reissue
  name: 居民身份证补领
  department: ga
  conditions: 户籍在外省、现居住在{{province_short}}的，可在居住地申请。
  materials: [{name: 居民户口簿}]
  steps: ["在{{app_name}}预约", "到{{capital_city}}或各地窗口办理"]
  legal_time_limit: 60日
  promised_time_limit: 20个工作日
  fee: 20元
  places: [{region: "*", address: 户籍所在地公安机关户政窗口, hours: 工作日}]
  hotline: "{{hotline}}"
  online: {available: false, channel: "{{app_name}}", link: "{{item_link}}", note: 须本人到场}
  updated_at: 2026-09-01
- id: ga-passport
  name: 普通护照签发
  department: ga
  conditions: 中国公民。
  materials: [{name: 居民身份证}]
  steps: [申请]
  legal_time_limit: 15个工作日
  promised_time_limit: 7个工作日
  fee: 120元
  places: [{region: "*", address: 出入境窗口, hours: 工作日}]
  hotline: "12367"
  online: {available: true, channel: "{{mini_program_name}}", link: "{{item_link}}"}
  updated_at: 2026-09-01
"""

PROFILE = """
province: 云南省
platform: 一部手机办事通
platform_short: 办事通
app_name: 办事通APP
mini_program_name: 办事通小程序
link_schemes: [ynbst]
item_link: "ynbst://item/{id}"
app_link: "ynbst://app/{id}"
cross_region_labels: [西南区域通办]
catalogue: ../catalogue
cities:
  - {name: 昆明市, counties: [{name: 五华区}]}
  - {name: 大理白族自治州}
"""


def write(root: Path, files: dict) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def sample(tmp_path) -> Path:
    write(
        tmp_path,
        {
            "catalogue/departments.yml": "- {id: ga, name: '{{province}}公安厅'}\n",
            "catalogue/items/ga.yml": ITEM,
            "catalogue/apps.yml": "- {id: app-a, name: 社保查询, description: '在{{platform_short}}查', link: '{{app_link}}',"
            " updated_at: 2026-09-01}\n",
            "catalogue/synonyms.yml": "- {official: 居民身份证, colloquial: [身份证]}\n",
            "yunnan/profile.yml": PROFILE,
        },
    )
    return tmp_path / "yunnan"


def items(bundle):
    return {item.id: item for item in bundle.items}


def test_placeholders_are_filled_from_the_profile(sample):
    bundle = load_profile(sample)
    item = items(bundle)["ga-idcard-reissue"]
    assert item.conditions == "户籍在外省、现居住在云南的，可在居住地申请。"
    assert item.steps == ["在办事通APP预约", "到昆明市或各地窗口办理"]
    assert item.online.link == "ynbst://item/ga-idcard-reissue" and item.online.channel == "办事通APP"
    assert items(bundle)["ga-passport"].online.channel == "办事通小程序"
    assert bundle.apps[0].link == "ynbst://app/app-a" and bundle.apps[0].description == "在办事通查"
    assert bundle.departments[0].name == "云南省公安厅"
    assert find_problems(bundle) == []


def test_overrides_merge_mappings_replace_lists_and_omit(sample):
    write(
        sample,
        {
            "overrides/items.yml": """
        ga-idcard-reissue:
          online: {available: true}
          places:
            - {region: 昆明市, address: 昆明市民服务中心, hours: 工作日, phone: "0871-1"}
          cross_region: [西南区域通办]
        ga-passport: {omit: true}
    """
        },
    )
    bundle = load_profile(sample)
    item = items(bundle)["ga-idcard-reissue"]
    assert item.online.available is True and item.online.note == "须本人到场"  # merged, not replaced
    assert [(p.region, p.address) for p in item.places] == [
        ("*", "户籍所在地公安机关户政窗口"),
        ("昆明市", "昆明市民服务中心"),
    ]
    assert item.cross_region == ["西南区域通办"]
    assert list(items(bundle)) == ["ga-idcard-reissue"]
    assert find_problems(bundle) == []


def test_an_override_of_the_whole_province_place_replaces_it(sample):
    write(
        sample,
        {
            "overrides/items.yml": """
        ga-passport:
          places: [{region: "*", address: 各州市出入境接待大厅, hours: 工作日}]
    """
        },
    )
    places = items(load_profile(sample))["ga-passport"].places
    assert [(p.region, p.address) for p in places] == [("*", "各州市出入境接待大厅")]


def test_profile_entries_replace_and_extend_the_catalogue(sample):
    write(
        sample,
        {
            "synonyms.yml": "- {official: 居民身份证, colloquial: [身份证, 二代证]}\n- {official: 办事通, colloquial: [一部手机办事通]}\n",
            "apps.yml": "- {id: app-a, name: 社保查询（云南）, description: 查, link: 'ynbst://app/a', updated_at: 2026-09-01}\n"
            "- {id: app-yn, name: 游云南, description: 旅游, link: 'https://example.cn/y', updated_at: 2026-09-01}\n",
        },
    )
    bundle = load_profile(sample)
    assert [(s.official, s.colloquial) for s in bundle.synonyms] == [
        ("居民身份证", ["身份证", "二代证"]),
        ("办事通", ["一部手机办事通"]),
    ]
    assert [a.name for a in bundle.apps] == ["社保查询（云南）", "游云南"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("ga-nothing: {fee: 免费}\n", "ga-nothing"),
        ("ga-passport: {id: other}\n", "不能修改 id"),
        ("ga-passport: {omit: true, fee: 免费}\n", "omit"),
        ("- ga-passport\n", "映射"),
        ("ga-passport: {fee: 免费}\nga-passport: {fee: 十元}\n", "重复的键：ga-passport"),
    ],
)
def test_bad_override_files_are_refused_with_the_reason(sample, text, message):
    write(sample, {"overrides/items.yml": text})
    with pytest.raises(KnowledgeFileError) as exc:
        load_profile(sample)
    assert message in str(exc.value) and "overrides/items.yml" in str(exc.value)


def test_an_unknown_placeholder_is_refused(sample):
    catalogue = sample.parent / "catalogue" / "items" / "ga.yml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("{{hotline}}", "{{hot_line}}"), encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as exc:
        load_profile(sample)
    assert "{{hot_line}}" in str(exc.value) and "ga-idcard-reissue" in str(exc.value)


def test_a_missing_catalogue_is_refused(sample):
    profile = sample / "profile.yml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("../catalogue", "../nowhere"), encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as exc:
        load_profile(sample)
    assert "nowhere" in str(exc.value)


def test_validation_reports_foreign_links_and_unknown_labels(sample):
    write(
        sample,
        {
            "overrides/items.yml": """
        ga-idcard-reissue: {cross_region: [西北通办], online: {link: "sanjintong://item/x"}}
        ga-passport: {cross_region: [跨省通办]}
    """
        },
    )
    problems = find_problems(load_profile(sample))
    assert "item ga-idcard-reissue：链接协议 sanjintong:// 不在 profile.yml 的 link_schemes 中" in problems
    assert "ga-idcard-reissue：通办标签“西北通办”不在 profile.yml 的 cross_region_labels 中" in problems
    assert any(p.startswith("ga-passport：跨省通办用 cross_province") for p in problems)


def test_source_hash_covers_the_catalogue(sample):
    before = source_hash(sample)
    (sample.parent / "catalogue" / "synonyms.yml").write_text("[]\n", encoding="utf-8")
    assert source_hash(sample) != before


def test_province_short_names():
    assert [
        province_short(p) for p in ("山西省", "云南省", "宁夏回族自治区", "广西壮族自治区", "北京市", "西藏自治区")
    ] == ["山西", "云南", "宁夏", "广西", "北京", "西藏"]


def test_province_unit_words():
    assert [province_unit(p) for p in ("云南省", "宁夏回族自治区", "北京市")] == ["省", "区", "市"]
