"""The 12345 intake classifier (nlu/intake.py): trained on the long training examples, it tells a complaint, a
request for help, a suggestion and a question apart; short messages are not its business."""

from pathlib import Path

import pytest
import yaml

from nlu.intake import IntakeClassifier, is_long, label_of_intent, macro_f1

ROOT = Path(__file__).resolve().parents[2]


def training_examples():
    for path in sorted((ROOT / "bot" / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in block.get("examples", "").splitlines():
                if line.strip().startswith("- "):
                    yield line.strip()[2:], block["intent"]


@pytest.fixture(scope="module")
def classifier():
    return IntakeClassifier.train(training_examples())


# Written for this test (not in the training data, not in the benchmark set).
MESSAGES = [
    (
        "complaint",
        "领导您好，我要反映****菜市场的秤有问题，我买了两斤排骨回家一称只有一斤六两，回去找摊主他不认账还骂人，"
        "市场管理处也不管。缺斤短两坑老百姓，请市场监管部门来查处，给我们一个说法。",
    ),
    (
        "help_request",
        "您好，我今年七十六了，一个人住在****小区，今天早上起来头晕得厉害，站都站不稳，孩子都在外地，"
        "打电话也没人接。能不能帮我联系一下社区医生或者居委会的人过来看看我，我实在没办法了。",
    ),
    (
        "suggestion",
        "领导好，我有个建议：****广场晚上来散步的人很多，可是附近没有一个公共厕所，老人孩子很不方便。"
        "建议在广场东侧增设一座公厕，再多放几个垃圾桶，这样环境也能更干净。",
    ),
    (
        "question",
        "您好，我想咨询一下，我母亲是农村户口，今年六十二了，一直没交过养老保险，请问现在还能补交吗？"
        "补交的话去哪里办，要带什么材料，交完以后每个月大概能领多少钱？谢谢。",
    ),
]


@pytest.mark.parametrize("label, text", MESSAGES)
def test_long_messages_are_routed(classifier, label, text):
    assert is_long(text)
    assert classifier.label(text) == label


def test_short_messages_are_left_to_the_intent_classifier(classifier):
    assert not is_long("我要投诉")
    assert classifier.label("我要投诉") is None


def test_it_survives_the_model_storage(classifier, tmp_path):
    classifier.to_disk(tmp_path)
    again = IntakeClassifier.from_disk(tmp_path)
    assert [again.label(t) for _, t in MESSAGES] == [classifier.label(t) for _, t in MESSAGES]


def test_intents_map_to_the_four_labels():
    assert [label_of_intent(i) for i in ("complaint", "help_request", "suggestion", "ask_fee", None)] == [
        "complaint",
        "help_request",
        "suggestion",
        "question",
        "question",
    ]


def test_macro_f1():
    assert macro_f1(["complaint", "question"], ["complaint", "question"]) == 1.0
    assert macro_f1(["complaint", "question"], ["question", "question"], ["complaint", "question"]) == pytest.approx(
        (0 + 2 / 3) / 2
    )
