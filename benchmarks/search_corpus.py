"""A generated knowledge base of N items (default 100,000) for the search benchmark.

A provincial catalogue holds a few thousand distinct 事项 names, each implemented by many counties: the
generator does the same. Distinct names are object × action ("食品经营许可证" × "延续"), each copy is
bound to one county (its place, department wording and conditions mention it), and its guide text is
recombined from the shipped sample's guides, so the vocabulary and text lengths look like real guides.
The shipped sample (items, FAQs, packages, apps) is loaded as well, so the quality queries still have
their targets among the generated crowd.

    .venv/bin/python benchmarks/search_corpus.py --items 100000 --db /tmp/bench/kb.sqlite3
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Dict, Iterator, List

from knowledge.loader import load_profile
from knowledge.store import KnowledgeStore
from knowledge.sync import sync_profile

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "knowledge" / "sample" / "shanxi"

OBJECTS = """
建设工程消防设计 建设工程规划许可证 建筑工程施工许可证 商品房预售许可证 房屋租赁合同 物业服务企业 燃气经营许可证
取水许可证 排污许可证 林木采伐许可证 野生动物驯养繁殖许可证 种子生产经营许可证 农药经营许可证 兽药经营许可证
动物防疫条件合格证 生猪定点屠宰证 渔业捕捞许可证 农村宅基地 农村土地承包经营权 农机驾驶证 拖拉机登记证书
食品生产许可证 食品经营许可证 小餐饮登记证 药品经营许可证 医疗器械经营备案凭证 化妆品生产许可证 特种设备使用登记证
特种设备作业人员证 计量器具检定 工业产品生产许可证 广告发布登记 网络交易经营者 商标质押 专利权质押 企业名称
个体工商户营业执照 农民专业合作社 外商投资企业 劳务派遣经营许可证 人力资源服务许可证 职业资格证书 职业技能等级证书
建造师执业资格 医师执业证书 护士执业证书 医疗机构执业许可证 放射诊疗许可证 母婴保健技术服务执业许可证 公共场所卫生许可证
饮用水供水单位卫生许可证 消毒产品生产企业卫生许可证 民办学校办学许可证 校外培训机构 幼儿园办园许可 学生资助 毕业生就业报到证
普通话水平测试 教师资格证书 道路运输经营许可证 出租汽车经营许可证 机动车维修经营备案 驾驶员培训许可 船舶登记证书
船员适任证书 公路超限运输许可 涉路施工许可 城市道路占用挖掘许可 户外广告设施设置 城市建筑垃圾处置核准 临时占用绿地
古树名木迁移 文物保护单位修缮 出版物经营许可证 营业性演出许可证 网吧经营许可证 娱乐场所经营许可证 体育经营活动
旅行社业务经营许可证 导游证 宗教活动场所 社会团体 民办非企业单位 基金会 慈善组织 养老机构 殡葬服务单位
孤儿基本生活费 困境儿童 特困人员供养 临时救助 优抚对象 伤残抚恤 烈士褒扬金 退役士兵安置 随军家属就业
残疾人证 残疾人机动轮椅车 法律援助 公证书 司法鉴定许可证 律师执业证书 人民调解 安全生产许可证 危险化学品经营许可证
烟花爆竹经营许可证 非药品类易制毒化学品 防雷装置设计审核 气象信息服务 地震安全性评价 人防工程 不动产抵押权 不动产更正登记
不动产查封登记 土地使用权出让 建设用地规划许可证 乡村建设规划许可证 测绘资质证书 地质灾害治理 矿产资源开采 采矿许可证
探矿许可证 水土保持方案 河道管理范围内建设项目 占用农业灌溉水源 生产建设项目 环境影响评价文件 辐射安全许可证 危险废物经营许可证
机动车排放检验 新能源汽车补贴 粮食收购资格 烟草专卖零售许可证 酒类流通备案 成品油零售经营资格 对外贸易经营者备案 报关单位注册登记
原产地证书 出入境检验检疫 税务登记 发票代开 增值税一般纳税人登记 出口退税备案 社会保险登记 工伤保险待遇 失业保险稳岗返还
创业担保贷款 一次性创业补贴 就业见习补贴 公益性岗位补贴 高校毕业生社保补贴 住房租赁补贴 公共租赁住房 经济适用住房 棚户区改造
住房公积金异地转移 住房公积金冲还贷 医疗保险关系转移 医疗费用手工报销 大病保险 医疗救助 长期护理保险 生育保险待遇 居民养老保险待遇
""".split()

ACTIONS = (
    "申领 补领 换领 变更登记 注销登记 备案 审批 核准 认定 年检 延续 证明开具 信息查询 资格确认 补贴申请 转移接续 首次登记 "
    "许可 核发 审核 撤销 补正 迁移 复审 验收 抵押登记 转让登记 预约办理 进度查询 待遇核定"
).split()

SUBJECT_ORDER = 3000


def distinct_names(count: int, rng: random.Random) -> List[str]:
    pairs = [(o, a) for o in OBJECTS for a in ACTIONS]
    rng.shuffle(pairs)
    return [o + a for o, a in pairs[:count]]


def generated_items(n: int, seed: int = 7) -> Iterator[Dict]:
    """N item entries (dicts as the store keeps them), reproducible for a seed."""
    rng = random.Random(seed)
    bundle = load_profile(SAMPLE_DIR)
    templates = [json.loads(item.json()) for item in bundle.items]
    departments = [d.id for d in bundle.departments]
    counties = [(city.name, county.name) for city in bundle.profile.cities for county in city.counties]
    names = distinct_names(min(SUBJECT_ORDER, n), rng)
    themes = sorted({t for item in templates for t in item.get("themes", [])}) or ["综合"]
    for number in range(n):
        name = names[number % len(names)]
        city, county = counties[rng.randrange(len(counties))]
        body = templates[rng.randrange(len(templates))]
        materials = templates[rng.randrange(len(templates))]["materials"]
        steps = templates[rng.randrange(len(templates))]["steps"]
        yield {
            "id": f"gen-{number:06d}",
            "name": name,
            "aliases": [f"{county}{name}"] if rng.random() < 0.3 else [],
            "department": departments[rng.randrange(len(departments))],
            "region_scope": county,
            "audience": ["自然人"] if rng.random() < 0.6 else ["法人"],
            "themes": [themes[rng.randrange(len(themes))]],
            "life_events": [],
            "high_frequency": rng.random() < 0.02,
            "conditions": f"在{city}{county}申请{name}的，" + body["conditions"],
            "materials": materials,
            "steps": steps,
            "legal_time_limit": body["legal_time_limit"],
            "promised_time_limit": body["promised_time_limit"],
            "fee": body["fee"],
            "places": [
                {
                    "region": city,
                    "address": f"{city}{county}政务服务中心综合窗口",
                    "hours": "工作日 9:00-17:00",
                    "phone": "12345",
                }
            ],
            "hotline": "12345",
            "online": {
                "available": rng.random() < 0.5,
                "channel": "三晋通APP",
                "link": f"sanjintong://item/gen-{number:06d}",
            },
            "cross_province": False,
            "legal_basis": body.get("legal_basis", []),
            "status": "published",
            "updated_at": "2026-09-01",
        }


def load_corpus(store: KnowledgeStore, n: int, seed: int = 7) -> int:
    """The shipped sample plus N generated items, in one transaction per 5,000 entries."""
    sync_profile(SAMPLE_DIR, store, force=True)
    batch: List[Dict] = []

    def flush() -> None:
        with store.engine.begin() as conn:
            for entry in batch:
                store.upsert("item", entry, conn)
        batch.clear()

    for entry in generated_items(n, seed):
        batch.append(entry)
        if len(batch) >= 5000:
            flush()
    flush()
    return store.count()


def main() -> None:
    parser = argparse.ArgumentParser(description="生成检索基准用的知识库")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.db.exists():
        args.db.unlink()
    started = time.perf_counter()
    store = KnowledgeStore(f"sqlite:///{args.db}")
    total = load_corpus(store, args.items, args.seed)
    print(f"知识库条目 {total} 条，用时 {time.perf_counter() - started:.1f} 秒：{args.db}")


if __name__ == "__main__":
    main()
