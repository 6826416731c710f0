"""Generates NLU training examples from the knowledge base's names and aliases:
`python -m nlu.datagen` (or `make nlu-data`) writes bot/data/nlu/generated_from_kb.yml, which is committed.

Each item's names and short aliases are put into the phrasings citizens use for the item-related intents
(guide, materials, fee, time, place, online, conditions, appointment, 申办), each package's into life_event,
each certificate's colloquial names into the aspect questions, and a sample of the FAQs' questions (those not
asking for one part of a guide) into ask_question. A fixed seed picks the templates and adds
the noise of real typing (a greeting before, a particle or emoji after, traditional characters now and then),
so the output only changes when the knowledge base or this file does.

Only intents and text are written — entities are found by the gazetteer and format rules, not learned.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Dict, Iterable, List, Optional

from knowledge.loader import load_profile
from nlu.kb_terms import is_document, is_question, name_variants

SEED = 20261123
OUTPUT = Path(__file__).resolve().parents[1] / "bot" / "data" / "nlu" / "generated_from_kb.yml"
MAX_FORM_CHARS = 10

ITEM_TEMPLATES: Dict[str, List[str]] = {
    "ask_guide": [
        "{x}的办事指南",
        "{x}的办理流程是啥",
        "{x}要走哪些流程",
        "查一下{x}的办事指南",
        "{x}怎么个流程",
        "{x}手续怎么办",
        "{x}的步骤有哪些",
        "我要办{x}，说下流程",
        "{x}办理指南发我看看",
        "{x}需要哪些手续",
        "我想办理{x}",
        "我要办理{x}",
        "{x}的办理程序",
    ],
    "ask_materials": [
        "{x}要带什么材料",
        "{x}需要准备哪些资料",
        "办{x}得带啥",
        "{x}都要带些什么证件",
        "{x}材料清单",
        "{x}要准备什么东西",
        "去办{x}需要拿什么",
        "{x}要交哪些材料",
        "{x}带身份证就行吗",
        "{x}要复印件不",
    ],
    "ask_fee": [
        "{x}多少钱",
        "{x}收费吗",
        "办{x}要交多少钱",
        "{x}费用是多少",
        "{x}免费吗",
        "{x}要花钱不",
        "{x}工本费多少",
        "{x}收不收钱",
    ],
    "ask_time": [
        "{x}要多久",
        "{x}几天能办好",
        "{x}办理时限多长",
        "{x}多长时间能拿到",
        "{x}当天能办完吗",
        "{x}多久出结果",
        "{x}要等几天",
    ],
    "ask_location": [
        "{x}在哪里办",
        "{x}去哪办",
        "{x}的办理地点在哪",
        "在哪儿能办{x}",
        "{x}到哪个窗口办",
        "{x}去哪个大厅",
        "{x}地址在哪",
    ],
    "ask_online": [
        "{x}能在网上办吗",
        "{x}可以手机上办理吗",
        "{x}能不能在{platform}上办",
        "{x}支持网办吗",
        "{x}不用跑腿能办吗",
        "{x}能线上办不",
    ],
    "ask_conditions": [
        "{x}需要什么条件",
        "什么人可以办{x}",
        "办{x}有什么要求",
        "{x}的申请条件是啥",
        "我符合{x}的条件吗",
        "谁能申请{x}",
    ],
    "make_appointment": [
        "我要预约{x}",
        "帮我约个{x}的号",
        "预约办理{x}",
        "{x}想先预约一下",
        "我想约个时间去办{x}",
        "{x}在线预约",
        "给我预约下{x}",
    ],
    "apply_online": [
        "我要在网上申请{x}",
        "帮我网上申办{x}",
        "在线申请{x}",
        "我想直接在手机上申请{x}",
        "{x}我要网上提交申请",
        "帮我把{x}的申请提交了",
    ],
}
# Templates per intent for each item (the appointment/申办 ones only where they apply).
PER_ITEM = {
    "ask_guide": 1,
    "ask_materials": 2,
    "ask_fee": 1,
    "ask_time": 1,
    "ask_location": 1,
    "ask_online": 1,
    "ask_conditions": 1,
    "make_appointment": 1,
    "apply_online": 1,
}
DOCUMENT_INTENTS = ["ask_materials", "ask_location", "ask_fee", "ask_time", "ask_online"]
LIFE_EVENT_TEMPLATES = ["{x}要办哪些事", "{x}都要办什么", "{x}怎么一次办完", "{x}有哪些手续要跑", "办{x}需要跑几个部门"]
# FAQ questions become ask_question examples unless they ask for one part of a guide (those belong to the
# aspect intents) or for a procedure.
ASPECT_MARKERS = (
    "材料",
    "资料",
    "带什么",
    "带啥",
    "要什么",
    "需要啥",
    "多少",
    "收费",
    "费用",
    "免费",
    "多久",
    "多长时间",
    "几天",
    "时限",
    "哪里",
    "在哪",
    "哪儿",
    "去哪",
    "地址",
    "网上",
    "线上",
    "手机上",
    "网办",
    "条件",
    "资格",
    "流程",
    "手续",
    "步骤",
    "指南",
    "预约",
    "进度",
    "投诉",
    "建议",
    "评价",
    "人工",
)
FAQ_QUESTIONS = 220
PREFIXES = ["", "", "", "", "请问", "你好，", "问一下", "麻烦问下", "我想问问", "喂 ", "咨询一下，"]
SUFFIXES = ["", "", "", "", "？", "?", "呀", "呢", "啊", "哈", "。", "！", " 🙏", "😂", "??"]
TRADITIONAL_RATE = 0.06


def item_forms(item) -> List[str]:
    forms = name_variants(item.name) + [a for a in item.aliases if not is_question(a)]
    return [f for f in dict.fromkeys(forms) if 2 <= len(f) <= MAX_FORM_CHARS]


def _noisy(rng: random.Random, text: str, to_traditional) -> str:
    text = rng.choice(PREFIXES) + text + rng.choice(SUFFIXES)
    if rng.random() < TRADITIONAL_RATE:
        text = to_traditional(text)
    return text


def _pick(
    rng: random.Random, templates: List[str], forms: List[str], count: int, platform: str = "手机"
) -> Iterable[str]:
    """`platform`: the province's platform as citizens say it (the profile's), for "能不能在…上办"."""
    for template in rng.sample(templates, min(count, len(templates))):
        yield template.format(x=rng.choice(forms), platform=platform)


def generate(profile_dir: Optional[Path] = None) -> Dict[str, List[str]]:
    from opencc import OpenCC

    if profile_dir is None:
        from settings import get_settings

        profile_dir = get_settings().kb_profile_dir
    bundle = load_profile(Path(profile_dir))
    rng = random.Random(SEED)
    to_traditional = OpenCC("s2t").convert
    examples: Dict[str, List[str]] = {intent: [] for intent in list(ITEM_TEMPLATES) + ["life_event"]}
    for item in sorted(bundle.items, key=lambda i: i.id):
        if item.status != "published":
            continue
        forms = item_forms(item)
        if not forms:
            continue
        for intent, count in PER_ITEM.items():
            if intent == "apply_online" and not item.online.available:
                continue
            for text in _pick(rng, ITEM_TEMPLATES[intent], forms, count, bundle.profile.short_name):
                examples[intent].append(_noisy(rng, text, to_traditional))
    for synonym in sorted(bundle.synonyms, key=lambda s: s.official):
        if not is_document(synonym.official):
            continue
        forms = [f for f in [synonym.official] + synonym.colloquial if 2 <= len(f) <= MAX_FORM_CHARS]
        if forms:
            intent = rng.choice(DOCUMENT_INTENTS)
            for text in _pick(rng, ITEM_TEMPLATES[intent], forms, 1, bundle.profile.short_name):
                examples[intent].append(_noisy(rng, text, to_traditional))
    for package in sorted(bundle.packages, key=lambda p: p.id):
        forms = [
            f
            for f in name_variants(package.name) + package.aliases
            if not is_question(f) and 2 <= len(f) <= MAX_FORM_CHARS
        ]
        for text in _pick(rng, LIFE_EVENT_TEMPLATES, forms or [package.name], 3):
            examples["life_event"].append(_noisy(rng, text, to_traditional))
    questions = []
    for faq in sorted(bundle.faqs, key=lambda f: f.id):
        if faq.status != "published":
            continue
        asked = [q for q in [faq.question] + faq.similar_questions if not any(m in q for m in ASPECT_MARKERS)]
        if asked:
            questions.append(rng.choice(asked))
    examples["ask_question"] = [
        _noisy(rng, q, to_traditional) for q in rng.sample(questions, min(FAQ_QUESTIONS, len(questions)))
    ]
    return {intent: list(dict.fromkeys(texts)) for intent, texts in examples.items() if texts}


def render_yaml(examples: Dict[str, List[str]]) -> str:
    lines = [
        "# Generated by `python -m nlu.datagen` (make nlu-data) from the knowledge base's names and aliases.",
        "# Do not edit by hand: change nlu/datagen.py or the knowledge base and regenerate.",
        'version: "3.1"',
        "",
        "nlu:",
    ]
    for intent, texts in examples.items():
        lines += [f"  - intent: {intent}", "    examples: |"]
        lines += [f"      - {text}" for text in texts]
        lines.append("")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlu.datagen", description="由知识库的名称与别名生成 NLU 训练样例")
    parser.add_argument("--profile", type=Path, default=None, help="知识库目录（默认 KB_PROFILE_DIR）")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="输出文件")
    args = parser.parse_args(argv)
    examples = generate(args.profile)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render_yaml(examples), encoding="utf-8")
    print(f"{sum(len(v) for v in examples.values())} 条样例写入 {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
