"""The Rasa 3 graph components of nlu/components, each on its own (train → model storage → load → process)."""

import datetime as dt
import uuid

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.format_extractor import FormatEntityExtractor
from nlu.components.gazetteer_extractor import KnowledgeGazetteerExtractor
from nlu.components.normalizer import ChineseTextNormalizer
from nlu.components.tokenizer import DICTIONARY_FILE, KnowledgeJiebaTokenizer


@pytest.fixture
def storage(tmp_path):
    (tmp_path / "storage").mkdir()
    return LocalModelStorage.create(tmp_path / "storage")


@pytest.fixture
def context():
    return ExecutionContext(GraphSchema({}), uuid.uuid4().hex)


def config_of(component, **overrides):
    return {**component.get_default_config(), **overrides}


def entities(message):
    return [
        (e["entity"], message.get(TEXT)[e["start"] : e["end"]], e["value"], e["extractor"])
        for e in message.get(ENTITIES, [])
    ]


# normaliser ---------------------------------------------------------------------------------------


def test_normalizer_keeps_training_annotations_aligned(storage, context):
    normalizer = ChineseTextNormalizer.create({}, storage, Resource("norm"), context)
    example = Message(
        data={
            TEXT: "補辦身份證😂",
            "intent": "ask_question",
            ENTITIES: [{"entity": "item", "start": 0, "end": 5, "value": "補辦身份證"}],
        }
    )
    normalizer.process_training_data(TrainingData([example]))
    assert example.get(TEXT) == "补办身份证 "
    annotated = example.get(ENTITIES)[0]
    assert example.get(TEXT)[annotated["start"] : annotated["end"]] == "补办身份证"


def test_normalizer_never_turns_typed_text_into_a_command(storage, context):
    normalizer = ChineseTextNormalizer.create({}, storage, Resource("norm"), context)
    typed, payload = Message(data={TEXT: "／goodbye"}), Message(data={TEXT: '/choose_option{"number": "2"}'})
    normalizer.process([typed, payload])
    assert typed.get(TEXT) == "／goodbye" and payload.get(TEXT) == '/choose_option{"number": "2"}'


# tokenizer ----------------------------------------------------------------------------------------


def test_tokenizer_carries_its_dictionary_in_the_model(storage, context, mini_profile):
    config = config_of(KnowledgeJiebaTokenizer, kb_profile_dir=str(mini_profile))
    resource = Resource("tokenizer")
    KnowledgeJiebaTokenizer.create(config, storage, resource, context).train(TrainingData())
    with storage.read_from(resource) as directory:
        words = (directory / DICTIONARY_FILE).read_text(encoding="utf-8").split("\n")
    assert "补办身份证 2000" in words and "太原小店区 2000" in words

    # the knowledge base is gone; the trained model still segments with its words
    for path in sorted(mini_profile.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    loaded = KnowledgeJiebaTokenizer.load(config, storage, resource, context)
    message = Message(data={TEXT: "我想补办身份证要带什么"})
    loaded.process([message])
    assert [(t.text, t.start, t.end) for t in message.get(TOKENS_NAMES[TEXT])] == [
        ("我", 0, 1),
        ("想", 1, 2),
        ("补办身份证", 2, 7),
        ("要", 7, 8),
        ("带", 8, 9),
        ("什么", 9, 11),
    ]


def test_tokenizer_skips_spaces_and_splits_intents_when_asked(storage, context, mini_profile):
    config = config_of(KnowledgeJiebaTokenizer, kb_profile_dir=str(mini_profile), intent_tokenization_flag=True)
    resource = Resource("tokenizer")
    KnowledgeJiebaTokenizer.create(config, storage, resource, context).train(TrainingData())
    tokenizer = KnowledgeJiebaTokenizer.load(config, storage, resource, context)
    message = Message(data={TEXT: "社保卡  在哪办", "intent": "ask_location"})
    tokenizer.process_training_data(TrainingData([message]))
    assert [t.text for t in message.get(TOKENS_NAMES[TEXT])] == ["社保卡", "在", "哪办"]
    assert [t.text for t in message.get(TOKENS_NAMES["intent"])] == ["ask", "location"]


# gazetteer ----------------------------------------------------------------------------------------


def test_gazetteer_extractor_trains_stores_loads_and_appends(storage, context, mini_profile):
    config = config_of(KnowledgeGazetteerExtractor, kb_profile_dir=str(mini_profile))
    resource = Resource("gazetteer")
    KnowledgeGazetteerExtractor.create(config, storage, resource, context).train(TrainingData())
    extractor = KnowledgeGazetteerExtractor.load(config, storage, resource, context)
    message = Message(
        data={
            TEXT: "在太原补办身份证",
            ENTITIES: [{"entity": "number", "start": 0, "end": 1, "value": "1", "extractor": "Other"}],
        }
    )
    extractor.process([message])
    assert entities(message) == [
        ("number", "在", "1", "Other"),
        ("region", "太原", "太原市", "KnowledgeGazetteerExtractor"),
        ("item", "补办身份证", "ga-idcard-reissue", "KnowledgeGazetteerExtractor"),
    ]


def test_gazetteer_extractor_one_entity_per_matching_entry(storage, context, sample_terms):
    config = config_of(KnowledgeGazetteerExtractor)
    resource = Resource("gazetteer")
    KnowledgeGazetteerExtractor.create(config, storage, resource, context).train(TrainingData())
    extractor = KnowledgeGazetteerExtractor.load(config, storage, resource, context)
    message = Message(data={TEXT: "户口迁移要什么材料"})
    extractor.process([message])
    assert [(e[0], e[1], e[2]) for e in entities(message)] == [
        ("item", "户口迁移", "ga-hukou-move-in"),
        ("item", "户口迁移", "ga-hukou-move-out"),
    ]


def test_gazetteer_extractor_only_configured_types(storage, context, mini_profile):
    config = config_of(KnowledgeGazetteerExtractor, kb_profile_dir=str(mini_profile), entities=["region"])
    resource = Resource("gazetteer")
    KnowledgeGazetteerExtractor.create(config, storage, resource, context).train(TrainingData())
    message = Message(data={TEXT: "在太原补办身份证"})
    KnowledgeGazetteerExtractor.load(config, storage, resource, context).process([message])
    assert [e[0] for e in entities(message)] == ["region"]


def test_gazetteer_extractor_rejects_unknown_types(storage, context):
    with pytest.raises(InvalidConfigException, match="unknown entity types"):
        KnowledgeGazetteerExtractor.create(
            config_of(KnowledgeGazetteerExtractor, entities=["colour"]), storage, Resource("g"), context
        )


# format extractor ---------------------------------------------------------------------------------


def test_format_extractor_resolves_dates_against_today():
    extractor = FormatEntityExtractor(config_of(FormatEntityExtractor), today=lambda: dt.date(2026, 11, 23))
    message = Message(data={TEXT: "预约明天下午三点，手机13812345678"})
    extractor.process([message])
    assert entities(message) == [
        ("date", "明天", "2026-11-24", "FormatEntityExtractor"),
        ("time", "下午三点", "15:00", "FormatEntityExtractor"),
        ("phone", "13812345678", "13812345678", "FormatEntityExtractor"),
    ]


def test_format_extractor_leaves_payloads_to_the_regex_handler():
    extractor = FormatEntityExtractor(config_of(FormatEntityExtractor), today=lambda: dt.date(2026, 11, 23))
    message = Message(data={TEXT: '/choose_option{"number": "2"}'})
    extractor.process([message])
    assert message.get(ENTITIES) is None


def test_format_extractor_config_is_checked(storage, context):
    with pytest.raises(InvalidConfigException, match="unknown entity types"):
        FormatEntityExtractor.create(
            config_of(FormatEntityExtractor, entities=["email"]), storage, Resource("f"), context
        )
    with pytest.raises(InvalidConfigException, match="timezone"):
        FormatEntityExtractor.create(
            config_of(FormatEntityExtractor, timezone="Mars/Base"), storage, Resource("f"), context
        )
