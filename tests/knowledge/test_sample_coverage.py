"""The shipped sample knowledge base covers what ../shared/kb-coverage.md lists, with complete guides."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.loader import load_profile

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample" / "shanxi"

ITEMS = [
    # 公安
    "居民身份证首次申领",
    "居民身份证换领",
    "居民身份证补领",
    "临时居民身份证",
    "居住证",
    "出生登记（新生儿入户）",
    "户口迁移（迁入）",
    "户口迁移（迁出）",
    "死亡人员户口注销",
    "普通护照签发",
    "往来港澳通行证及签注",
    "机动车驾驶证期满换证",
    "驾驶证补证",
    "机动车检验合格标志核发（年检）",
    "交通违法处理",
    "无犯罪记录证明",
    # 人社
    "社会保障卡申领",
    "社会保障卡补换",
    "社会保障卡挂失",
    "电子社保卡",
    "养老保险关系转移接续",
    "城乡居民养老保险参保登记",
    "基本养老金申领（退休）",
    "失业保险金申领",
    "失业登记",
    "就业登记",
    "灵活就业人员参保",
    "工伤认定",
    "单位参保登记（社保开户）",
    "职业技能提升补贴",
    # 医保
    "异地就医备案",
    "城乡居民医保参保登记",
    "医保电子凭证激活",
    "门诊慢特病待遇认定",
    "生育津贴申领",
    # 住房公积金
    "租房提取住房公积金",
    "购房提取住房公积金",
    "退休提取住房公积金",
    "住房公积金个人住房贷款",
    "住房公积金缴存证明开具及查询",
    # 民政
    "结婚登记",
    "离婚登记",
    "婚姻登记记录证明",
    "最低生活保障申请",
    "高龄津贴",
    "残疾人两项补贴",
    "丧葬补助金",
    # 卫健
    "出生医学证明首次签发",
    "出生医学证明补发",
    "预防接种证",
    "生育登记",
    # 教育
    "小学入学报名",
    "初中入学报名",
    "学历证明/学籍证明",
    "教师资格认定",
    # 税务
    "个人所得税综合所得年度汇算",
    "代开发票",
    "发票领用",
    "契税申报",
    # 市场监管
    "企业设立登记",
    "个体工商户登记",
    "食品经营许可",
    "营业执照变更登记",
    "企业注销登记",
    # 不动产
    "二手房转移登记",
    "不动产权证书补发",
    "不动产登记信息查询",
    # 交通
    "网络预约出租汽车驾驶员证核发",
    "道路运输证配发",
    # 其他
    "水电气联动过户",
    "老年人优待证",
    "退役军人优待证",
    "法律援助申请",
]
PACKAGES = [
    "新生儿出生一件事",
    "入学一件事",
    "就业（失业）一件事",
    "结婚一件事",
    "退休一件事",
    "身后一件事",
    "企业开办一件事",
    "二手房交易登记一件事",
    "开餐馆一件事",
    "异地就医一件事",
]
APPS = [
    "社保查询",
    "公积金查询",
    "医保电子凭证",
    "电子社保卡",
    "水电气缴费",
    "交通违法查询",
    "预约挂号",
    "公交乘车码",
    "不动产查询",
    "办件进度查询",
    "好差评",
    "12345投诉建议",
    "电子证照（亮证）",
]
PLATFORM_TOPICS = ["注册", "实名认证", "密码", "长辈模式", "个人信息"]


@pytest.fixture(scope="module")
def sample():
    return load_profile(SAMPLE)


def test_every_listed_item_has_a_complete_guide(sample):
    by_name = {item.name: item for item in sample.items}
    assert [name for name in ITEMS if name not in by_name] == []
    for name in ITEMS:
        item = by_name[name]
        incomplete = [
            field
            for field in (
                "conditions",
                "materials",
                "steps",
                "legal_time_limit",
                "promised_time_limit",
                "fee",
                "places",
                "hotline",
                "legal_basis",
            )
            if not getattr(item, field)
        ]
        assert incomplete == [], f"{name} 缺少 {incomplete}"
        assert any(place.region == "*" for place in item.places), name
        assert item.online.available is False or item.online.link, name


def test_places_differ_by_city_where_they_do(sample):
    cities = {city.name for city in sample.profile.cities}
    assert len(cities) == 11 and all(city.counties for city in sample.profile.cities)
    with_city_places = [item.id for item in sample.items if any(p.region in cities for p in item.places)]
    assert len(with_city_places) >= 20


def test_every_listed_package_orders_its_items_and_shares_materials(sample):
    by_name = {package.name: package for package in sample.packages}
    assert [name for name in PACKAGES if name not in by_name] == []
    for name in PACKAGES:
        package = by_name[name]
        assert len(package.items) >= 2 and package.shared_materials and package.together, name


def test_every_listed_app_has_a_link(sample):
    by_name = {app.name: app for app in sample.apps}
    assert [name for name in APPS if name not in by_name] == []
    assert all(by_name[name].link for name in APPS)


def test_at_least_400_published_faqs_with_several_phrasings(sample):
    published = [faq for faq in sample.faqs if faq.status == "published"]
    assert len(published) >= 400
    assert min(len(faq.similar_questions) for faq in published) >= 3
    item_ids = {item.id for item in sample.items}
    linked = [faq for faq in published if faq.items]
    assert len(linked) >= 350 and all(set(faq.items) <= item_ids for faq in linked)
    platform = " ".join(faq.question for faq in published if faq.department == "zwfw")
    assert [topic for topic in PLATFORM_TOPICS if topic not in platform] == []
