"""A tiny train-and-parse run of the whole custom pipeline inside Rasa: the components work together in
Rasa's graph, the trained model carries the dictionary and gazetteer (the knowledge base is deleted before
the model is loaded), and typed "/..." text never becomes an intent command."""

import shutil
import textwrap

import pytest
from rasa.core.agent import Agent
from rasa.model_training import train_nlu

TRAINING = """
version: "3.1"
nlu:
  - intent: ask_materials
    examples: |
      - 要带什么材料
      - 补办身份证要带什么
      - 办社保卡需要什么材料
      - 需要准备哪些资料
  - intent: greet
    examples: |
      - 你好
      - 您好
      - 在吗
      - 哈喽
  - intent: goodbye
    examples: |
      - 再见
      - 拜拜
      - 没事了
      - 先这样
"""


def config(kb_dir) -> str:
    return textwrap.dedent(f"""
        recipe: default.v1
        language: zh
        pipeline:
          - name: nlu.components.normalizer.ChineseTextNormalizer
          - name: nlu.components.tokenizer.KnowledgeJiebaTokenizer
            kb_profile_dir: {kb_dir}
          - name: nlu.components.gazetteer_extractor.KnowledgeGazetteerExtractor
            kb_profile_dir: {kb_dir}
          - name: nlu.components.format_extractor.FormatEntityExtractor
          - name: CountVectorsFeaturizer
            analyzer: char_wb
            min_ngram: 1
            max_ngram: 2
          - name: LogisticRegressionClassifier
        policies: []
    """)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    from tests.conftest import write_profile

    work = tmp_path_factory.mktemp("smoke")
    kb_dir = write_profile(work / "kb")
    (work / "config.yml").write_text(config(kb_dir), encoding="utf-8")
    (work / "nlu.yml").write_text(TRAINING, encoding="utf-8")
    path = train_nlu(str(work / "config.yml"), str(work / "nlu.yml"), str(work / "models"), fixed_model_name="smoke")
    shutil.rmtree(kb_dir)  # the model must not need the knowledge base any more
    return path


async def test_trained_pipeline_parses_colloquial_chinese(model):
    agent = Agent.load(model)
    parsed = await agent.parse_message("補辦身份證要帶什麼材料，手机13812345678")
    assert parsed["intent"]["name"] == "ask_materials"
    found = [(e["entity"], e["value"], e["extractor"]) for e in parsed["entities"]]
    assert ("item", "ga-idcard-reissue", "KnowledgeGazetteerExtractor") in found
    assert ("phone", "13812345678", "FormatEntityExtractor") in found
    assert parsed["text"].startswith("补办身份证")


async def test_escaped_slash_text_is_not_an_intent_command(model):
    agent = Agent.load(model)
    parsed = await agent.parse_message("／goodbye")
    assert not (parsed["intent"]["name"] == "goodbye" and parsed["intent"]["confidence"] == 1.0)
    command = await agent.parse_message("/goodbye")
    assert command["intent"] == {"name": "goodbye", "confidence": 1.0}


@pytest.mark.parametrize("text", ["😀👍🇨🇳", "🙏", "\u200b\u200b"])
async def test_a_message_with_nothing_readable_is_classified_not_crashed(model, text):
    """The normalizer turns emoji into spaces; with no token left the classifier used to fail on a feature
    matrix without columns (Rasa answered 500). Now it gets one placeholder token."""
    parsed = await Agent.load(model).parse_message(text)
    assert parsed["intent"]["name"] and parsed["entities"] == []
