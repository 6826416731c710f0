"""An item whose materials differ by 情形 (imported from the 办事指南 catalogue, issue #15): the bot asks
which situation applies — unless the message says it — and lists only that situation's materials."""

import pytest

from actions.answers import aspects
from actions.dialogue.disambiguation import ActionChooseOption
from tests.actions.conftest import make_tracker, said, slot_events, texts

ITEM = "ga-idcard-reissue"
SITUATIONS = [
    {"name": "丢失补领", "materials": [{"name": "居民户口簿", "copies": 1, "form": "原件"}]},
    {"name": "损坏换领", "materials": [{"name": "损坏的居民身份证", "copies": 1, "form": "原件"}]},
]


@pytest.fixture
def with_situations(sample_kb, monkeypatch):
    real = sample_kb.get

    def get(kind, entry_id):
        entry = real(kind, entry_id)
        return dict(entry, situations=SITUATIONS) if kind == "item" and entry_id == ITEM else entry

    monkeypatch.setattr(sample_kb, "get", get)
    return sample_kb


def test_materials_ask_the_situation_first(with_situations, dispatcher):
    events = aspects.answer_item(dispatcher, make_tracker("身份证补办要带什么"), ITEM, "materials")
    assert said(dispatcher) == ["utter_ask_situation"]
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["丢失补领", "损坏换领"]
    assert "丢失补领还是损坏换领" in texts(dispatcher)[0]
    slots = slot_events(events)
    assert slots["candidates"] == ["situation:0", "situation:1"] and slots["pending_aspect"] == "materials"
    assert slots["item"] == ITEM


@pytest.mark.parametrize("text, shown, hidden", [("身份证损坏了要换领带什么", "损坏的居民身份证", "居民户口簿")])
def test_a_message_that_names_the_situation_gets_its_materials(with_situations, dispatcher, text, shown, hidden):
    aspects.answer_item(dispatcher, make_tracker(text), ITEM, "materials")
    (answer,) = texts(dispatcher)
    assert answer.startswith("【居民身份证补领】（损坏换领）所需材料：") and shown in answer and hidden not in answer


async def test_the_picked_situation_lists_only_its_materials(with_situations, dispatcher):
    slots = {"candidates": ["situation:0", "situation:1"], "item": ITEM, "pending_aspect": "materials"}
    tracker = make_tracker("1", "choose_option", [{"entity": "number", "value": "1"}], slots=slots)
    events = await ActionChooseOption().run(dispatcher, tracker, {})
    (answer,) = texts(dispatcher)
    assert "（丢失补领）" in answer and "居民户口簿" in answer and "损坏的居民身份证" not in answer
    assert slot_events(events)["candidates"] is None


def test_an_item_without_situations_answers_at_once(sample_kb, dispatcher):
    aspects.answer_item(dispatcher, make_tracker("身份证补办要带什么"), ITEM, "materials")
    assert said(dispatcher) == [""] and "所需材料" in texts(dispatcher)[0]
