"""Reading the 办事指南 catalogue export (issue #15 part 2): rows → items with their 情形 and places."""

from pathlib import Path

import pytest

from knowledge.guide_export import Mapping, MappingError, aliases_of, read_guides, situation_names

EXPORTS = Path(__file__).resolve().parents[2] / "knowledge" / "sample" / "exports"


@pytest.fixture(scope="module")
def mapping():
    return Mapping.load((EXPORTS / "guides.mapping.yml").read_text(encoding="utf-8"))


def test_the_sample_export_groups_into_items_situations_and_places(mapping):
    guides, problems = read_guides("guides-demo.csv", (EXPORTS / "guides-demo.csv").read_bytes(), mapping)
    assert problems == []
    by_code = {g.code: g for g in guides}
    guide_licence = by_code["DEMO-0001"]
    assert guide_licence.name == "导游证申领" and situation_names(guide_licence) == ["首次申领", "遗失补领"]
    assert [m["name"] for m in guide_licence.situations["遗失补领"]] == ["导游资格证", "遗失声明"]
    assert guide_licence.situations["首次申领"][2] == {"name": "本人近期免冠彩色人像", "form": "电子版", "copies": 1}
    assert list(guide_licence.places) == ["太原市", "大同市"]  # in the export's order
    assert guide_licence.places["大同市"]["phone"] == "0352-0000001"
    assert guide_licence.fields["fee"] == "不收费" and guide_licence.online is True
    # how citizens name it: the 事项名称 too, and both without the action word ("导游证核发" → 导游证)
    assert aliases_of(guide_licence) == ["导游证核发", "导游证"]
    seafarer = by_code["DEMO-0002"]
    assert situation_names(seafarer) == [] and seafarer.situations[""][2]["copies"] == 2


def test_the_sample_export_is_a_catalogue_of_at_least_32_items_in_three_cities(mapping):
    guides, problems = read_guides("guides-demo.csv", (EXPORTS / "guides-demo.csv").read_bytes(), mapping)
    assert problems == [] and len(guides) >= 32 and len({g.code for g in guides}) == len(guides)
    assert sum(1 for g in guides if len(situation_names(g)) >= 2) >= 10
    new = [g for g in guides if g.code not in ("DEMO-0001", "DEMO-0002")]  # the first two: 太原市 and 大同市 only
    assert new and all(list(g.places) == ["太原市", "大同市", "长治市"] for g in new)
    assert all(place["address"] and place["hours"] and place["phone"] for g in guides for place in g.places.values())


def test_rows_that_contradict_their_item_or_lack_a_material_are_reported(mapping):
    header = "区划,事项编码,事项名称,业务办理项,情形,材料名称,材料形式,份数,受理条件,办理流程,法定办结时限,承诺办结时限,是否收费,收费标准,办理地点,办理时间,咨询电话,是否网办,办理依据,实施主体\n"
    rows = (
        "全省,X-1,某事项,,,甲材料,原件,1,,,,,,不收费,,,,是,,某局\n"
        "全省,X-1,某事项,,,乙材料,复印件,两份,,,,,,收费10元,,,,是,,某局\n"
        "全省,X-1,某事项,,,,原件,1,,,,,,,,,,是,,某局\n"
    )
    guides, problems = read_guides("x.csv", (header + rows).encode("utf-8"), mapping)
    (guide,) = guides
    assert list(guide.places) == [] and guide.online is True and guide.fields["fee"] == "不收费"
    assert [(p.row, p.reason) for p in problems] == [
        (3, "收费标准与同一事项的前面几行不同（保留前面的）"),
        (4, "缺少材料名称"),
    ]
    assert guide.situations[""][1] == {"name": "乙材料", "form": "复印件", "copies": 2}  # 两份


@pytest.mark.parametrize(
    "text, message",
    [
        ("columns: [1, 2", "不是合法的 YAML"),
        ("other: 1", "缺少 columns"),
        ("columns: {region: 区划, item: 事项名称}", "缺少必需字段：material"),
        ("columns: {region: 区划, item: 事项名称, material: 材料, colour: 颜色}", "未知字段：colour"),
    ],
)
def test_a_wrong_mapping_is_a_chinese_error(text, message):
    with pytest.raises(MappingError, match=message):
        Mapping.load(text)


def test_a_mapping_naming_a_column_the_export_lacks(mapping):
    with pytest.raises(MappingError, match="表头中没有映射文件写的列"):
        read_guides("x.csv", "区划,事项名称,材料名称\n全省,某事项,甲\n".encode("utf-8"), mapping)
