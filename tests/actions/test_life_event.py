"""一件事 in the dialogue: the package card, then its items as numbered choices."""

from actions.answers.life_event import ActionLifeEvent
from tests.actions.conftest import make_tracker, slot_events


async def test_a_named_life_event(sample_kb, dispatcher):
    events = await ActionLifeEvent().run(
        dispatcher, make_tracker("退休一件事", "life_event", [{"entity": "life_event", "value": "pk-retirement"}]), {}
    )
    card = dispatcher.messages[0]["custom"]
    assert card["sources"] == [{"type": "package", "id": "pk-retirement", "title": "退休一件事"}]
    assert dispatcher.messages[1]["text"] == "想看哪一项的办事指南？回复序号即可："
    slots = slot_events(events)
    assert slots["candidates"] == [
        "item:rs-pension-transfer",
        "item:rs-pension-claim",
        "item:gjj-withdraw-retire",
        "item:qt-elderly-card",
    ]
    assert slots["pending_aspect"] == "guide"


async def test_found_by_search(sample_kb, dispatcher):
    await ActionLifeEvent().run(dispatcher, make_tracker("想开个餐馆要办哪些证", "life_event"), {})
    assert dispatcher.messages[0]["custom"]["sources"][0]["id"] == "pk-restaurant"


async def test_unclear_lists_every_life_event(sample_kb, dispatcher):
    events = await ActionLifeEvent().run(dispatcher, make_tracker("一件事", "life_event"), {})
    assert dispatcher.messages[0]["text"].startswith("“一件事一次办”可以一次办好这些事")
    assert len(slot_events(events)["candidates"]) == 10


async def test_no_life_event_meant_but_a_sure_answer_is_given(sample_kb, dispatcher):
    # read as life_event ("开…店需要啥手续"), but no 一件事 is about a barber's shop: the FAQ that is
    await ActionLifeEvent().run(dispatcher, make_tracker("开理发店需要啥手续", "life_event"), {})
    assert dispatcher.messages[0]["custom"]["sources"][0]["id"] == "faq-sc-029"
