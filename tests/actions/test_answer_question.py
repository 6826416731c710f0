"""action_answer_question keeps its sources and now sets the conversation's context."""

from actions.answers.question import ActionAnswerQuestion
from tests.actions.conftest import make_tracker, slot_events


async def test_a_guide_answer_makes_its_item_the_context(sample_kb, dispatcher):
    events = await ActionAnswerQuestion().run(
        dispatcher, make_tracker("身份证丢了怎么补办", metadata={"region": "太原市"}), {}
    )
    card = dispatcher.messages[0]["custom"]
    assert card["sources"][0] == {"type": "item", "id": "ga-idcard-reissue", "title": "居民身份证补领"}
    slots = slot_events(events)
    assert {k: slots[k] for k in ("pending_aspect", "item")} == {"pending_aspect": None, "item": "ga-idcard-reissue"}
    assert slots["candidates"] and "item:ga-idcard-reissue" not in slots["candidates"]  # 猜你想问, numbered


async def test_elder_mode_shows_the_guide_one_step_at_a_time(sample_kb, dispatcher):
    events = await ActionAnswerQuestion().run(
        dispatcher, make_tracker("身份证丢了怎么补办", metadata={"elder_mode": True}), {}
    )
    assert dispatcher.messages[0]["custom"]["text"] == "好的，说说【居民身份证补领】。"
    assert dispatcher.messages[0]["custom"]["sources"][0]["id"] == "ga-idcard-reissue"
    assert len(dispatcher.messages[1]["buttons"]) == 6
    assert slot_events(events)["item"] == "ga-idcard-reissue"


async def test_an_unsure_question_that_names_an_entry_answers_that_entry(sample_kb, dispatcher):
    # retrieval alone is unsure of this one (it would climb the fallback ladder or offer choices) …
    from actions.answers.question import retrieve

    text = "老家那边的户口本上的事想弄到太原来"
    assert retrieve(text)[2].level != "answer"
    # … but the NLU found the item it names (nlu/evidence.py): the guide, or the item's own FAQ when retrieval
    # put one first, is the answer — never 没太明白 or a menu of other things
    tracker = make_tracker(text, entities=[{"entity": "item", "value": "ga-hukou-move-in"}])
    await ActionAnswerQuestion().run(dispatcher, tracker, {})
    source = dispatcher.messages[0]["custom"]["sources"][0]
    if source["type"] == "faq":
        assert "ga-hukou-move-in" in sample_kb.get("faq", source["id"])["items"]
    else:
        assert (source["type"], source["id"]) == ("item", "ga-hukou-move-in")


async def test_an_unsure_question_naming_nothing_still_climbs_the_ladder(sample_kb, dispatcher):
    await ActionAnswerQuestion().run(dispatcher, make_tracker("那个事儿咋整"), {})
    assert dispatcher.messages[0]["text"].startswith("抱歉，我没太明白。")


async def test_the_named_items_own_faq_that_retrieval_put_first_is_the_answer(sample_kb, dispatcher):
    text = "退休工资每年都要刷脸认证吗"
    tracker = make_tracker(text, entities=[{"entity": "item", "value": "rs-pension-claim"}])
    await ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["custom"]["sources"][0]["id"] == "faq-rs-023"


async def test_not_understood_but_with_candidates_offers_them_instead_of_sorry(sample_kb, dispatcher):
    from actions.answers.question import ActionAnswerOrFallback

    await ActionAnswerOrFallback().run(dispatcher, make_tracker("公积金怎么提取", "nlu_fallback"), {})
    (offer,) = dispatcher.messages
    assert offer["utter_action"] == "utter_ask_which_of_answers" and all(
        "公积金" in b["title"] for b in offer["buttons"]
    )


async def test_a_named_situation_that_retrieval_ranks_nowhere_is_offered_beside_its_choices(sample_kb, dispatcher):
    """ "我开餐厅…国定假日可以挪到暑假再放吗": the NLU reads 开餐厅 as the 开餐馆一件事, but the question is about
    holidays; retrieval hesitates between FAQs none of which is about that 一件事. The 一件事 is offered first,
    beside retrieval's choices — not answered as if it were the question."""
    from actions.answers.question import answer_unsure
    from search import answer_policy as confidence
    from search.searcher import Hit

    text = "我开餐厅，过年最忙暑假最闲，国定假日可以挪到暑假再放吗"
    tracker = make_tracker(text, entities=[{"entity": "life_event", "value": "pk-restaurant"}])
    faqs = ["faq-platform-037", "faq-rs-019"]
    entries = sample_kb.get_many(("faq", f) for f in faqs)
    hits = [Hit("faq", f, entries[("faq", f)]["question"], "", 0.9) for f in faqs]
    answer_unsure(dispatcher, tracker, text, hits, entries, confidence.CHOOSE)
    buttons = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert buttons == ["开餐馆一件事"] + [entries[("faq", f)]["question"] for f in faqs]
    assert "sources" not in (dispatcher.messages[0].get("custom") or {})
    # retrieval found nothing at all: the named 一件事 is the answer, as before
    answered = type(dispatcher)()
    answer_unsure(answered, tracker, text, hits, entries, confidence.NONE)
    assert answered.messages[0]["custom"]["sources"][0]["id"] == "pk-restaurant"
    # one of retrieval's hits is about the 一件事 (one of its items): the 一件事 is the answer
    about = type(dispatcher)()
    food = sample_kb.get("item", "sc-food-license")
    entries[("item", "sc-food-license")] = food
    answer_unsure(
        about, tracker, text, hits + [Hit("item", "sc-food-license", food["name"], "", 0.9)], entries, confidence.CHOOSE
    )
    assert about.messages[0]["custom"]["sources"][0]["id"] == "pk-restaurant"
