"""Answers by retrieval with a confidence threshold, and what follows them: 猜你想问, 有帮助/没帮助 (recorded
in the staff statistics and, when 没帮助, the unanswered queue), the greeting with this week's 热门问题, and
the 好差评 offer at the end of an answered conversation. On a private copy of the indexed sample knowledge
base, so the records of one test do not leak into another."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3

import pytest

from actions import wording
from actions.answers.extras import feedback_payload, latest_answer, related_options
from actions.answers.feedback import ActionAnswerFeedback
from actions.answers.question import ActionAnswerOrFallback, ActionAnswerQuestion
from actions.dialogue import greeting
from actions.dialogue.disambiguation import ActionChooseOption
from actions.dialogue.greeting import ActionGreet
from actions.dialogue.rating_offer import ActionOfferRating
from devtools.support.waiting import wait_until
from knowledge import feedback, stats
from search import answer_policy as confidence
from tests.actions.conftest import _clear_caches, make_tracker, said, slot_events, texts
from tests.conftest import no_default_addresses


@pytest.fixture
def kb(monkeypatch, sample_index, tmp_path):
    """The action server's store is a private copy of the indexed sample knowledge base."""
    source, copy = sqlite3.connect(sample_index.parent / "kb.sqlite3"), sqlite3.connect(tmp_path / "kb.sqlite3")
    source.backup(copy)  # with what is still in the write-ahead log
    source.close()
    with copy:  # without what other tests recorded in the shared sample store: statistics start at zero
        for table in ("kb_questions", "kb_unanswered_groups", "kb_events"):
            copy.execute(f"DELETE FROM {table}")
    copy.close()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(sample_index))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REDIS_URL", raising=False)
    no_default_addresses(monkeypatch)
    _clear_caches()
    greeting.clear_cache()
    from actions.resources import knowledge_store

    yield knowledge_store()
    _clear_caches()
    greeting.clear_cache()


def customs(dispatcher):
    return [m.get("custom") or {} for m in dispatcher.messages]


def summary(store):
    now = dt.datetime.utcnow()
    return stats.summary(store, now - dt.timedelta(hours=1), now + dt.timedelta(hours=1))


def user(text, intent="ask_question", entities=()):
    return {
        "event": "user",
        "text": text,
        "parse_data": {"text": text, "intent": {"name": intent}, "entities": list(entities)},
    }


def answer(kind, entry_id, title, text="……"):
    return {
        "event": "bot",
        "text": text,
        "data": {"custom": {"type": "text", "text": text, "sources": [{"type": kind, "id": entry_id, "title": title}]}},
    }


# -- the threshold ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, level",
    [
        ("补办身份证要多少钱", confidence.ANSWER),  # one entry clearly best
        ("身份证丢了怎么补办", confidence.ANSWER),  # the guide and its FAQs do not compete: same item
        ("房子还有贷款没还完能卖吗", confidence.ANSWER),  # a FAQ's own question
        ("社保卡怎么办理", confidence.ANSWER),  # by meaning 申领 is what 办理 asks, well ahead of 挂失 / 补换
        ("公积金怎么提取", confidence.CHOOSE),  # 退休/购房/租房提取
        ("今天天气怎么样", confidence.NONE),  # the hits share no word with it
        ("火星移民签证，电话13812345678", confidence.NONE),  # one word in four (电话): a stray match
        # "丢了怎么补" is in many FAQs, 学位证 in none: the same sentence about other documents is offered
        # (离婚证, 驾驶证…), never answered as if it were the one asked
        ("学位证丢了怎么补", confidence.CHOOSE),
    ],
)
async def test_the_threshold_decides_answer_choices_or_nothing(kb, question, level):
    from actions.resources import searcher

    hits = searcher().search(question, limit=10)
    assert confidence.judge(searcher(), kb, question, hits).level == level


def test_coverage_counts_synonyms_and_longer_words():
    synonyms = {"暂住证": ["居住证"]}
    assert confidence.coverage(["暂住证", "用处"], "办了居住证有什么用", synonyms) == 0.5
    assert confidence.coverage(["身份证号"], "居民身份证补领", {}) == 1.0  # 身份证号 → 身份证
    assert confidence.coverage(["申请专利"], "低保怎么申请", {}) == 0.0  # 申请 alone is not 申请专利
    assert confidence.coverage([], "任何文字", {}) == 0.0  # "啊这": nothing says what is asked


# -- answering, and what follows -------------------------------------------------------------------------


async def test_a_confident_answer_has_sources_feedback_and_related_questions(kb, dispatcher):
    events = await ActionAnswerQuestion().run(dispatcher, make_tracker("补办身份证要多少钱"), {})
    answer_message, feedback_message, related = customs(dispatcher)
    assert answer_message["sources"] == [{"type": "faq", "id": "faq-ga-002", "title": "补办身份证要交多少钱？"}]
    assert answer_message["text"] == kb.get("faq", "faq-ga-002")["answer"]  # nothing but the entry's text
    assert feedback_message == {
        "type": "buttons",
        "text": wording.text("utter_feedback_question"),
        "buttons": [
            {"title": "有帮助", "payload": '/answer_feedback{"helpful": "yes"}'},
            {"title": "没帮助", "payload": '/answer_feedback{"helpful": "no"}'},
        ],
    }
    assert "回复“有帮助”" in feedback_message["text"] and "回复“没帮助”" in feedback_message["text"]
    titles = [b["title"] for b in related["buttons"]]
    assert 2 <= len(titles) <= 3 and all(b["payload"] == b["title"] for b in related["buttons"])
    assert "补办身份证要交多少钱？" not in titles
    # first the other FAQs about the same item (居民身份证补领), all published
    refs = slot_events(events)["candidates"]
    assert len(refs) == len(titles) and refs[0].startswith("faq:")
    assert "ga-idcard-reissue" in kb.get("faq", refs[0].split(":")[1])["items"]
    assert related["text"].split("\n") == ["猜你想问（回复序号或点选）："] + [
        f"{n}. {t}" for n, t in enumerate(titles, start=1)
    ]
    assert slot_events(events)["item"] == "ga-idcard-reissue"


async def test_related_questions_are_published_and_never_the_entry_answered(kb):
    entry = kb.get("item", "ga-idcard-reissue")
    offered = related_options(kb, "item", entry, "身份证丢了怎么补办")
    assert offered and all(o.ref != "item:ga-idcard-reissue" for o in offered)
    assert all(o.title != "身份证丢了怎么补办？" for o in offered)
    withdrawn = offered[0].ref.split(":")[1]
    kb.upsert("faq", {**kb.get("faq", withdrawn), "status": "draft"})
    again = related_options(kb, "item", entry, "身份证丢了怎么补办")
    assert f"faq:{withdrawn}" not in [o.ref for o in again] and len(again) == 3


async def test_unsure_offers_the_top_three_and_a_number_picks_one(kb, dispatcher):
    events = await ActionAnswerQuestion().run(
        dispatcher, make_tracker("公积金怎么提取", metadata={"channel": "app"}), {}
    )
    (offer,) = dispatcher.messages
    assert offer["utter_action"] == "utter_ask_which_of_answers" and len(offer["buttons"]) == 3
    assert offer["buttons"][1]["payload"] == '/choose_option{"number": "2"}'
    slots = slot_events(events)
    assert slots["asked_question"] == "公积金怎么提取" and len(slots["candidates"]) == 3
    assert feedback.unanswered_groups_list(kb)[0] == 0  # choices are not a miss

    picked = type(dispatcher)()
    tracker = make_tracker(
        "2", "choose_option", [{"entity": "number", "value": "2"}], slots, metadata={"channel": "app"}
    )
    events = await ActionChooseOption().run(picked, tracker, {})
    kind, entry_id = slots["candidates"][1].split(":")
    first = customs(picked)[0]
    assert first["sources"][0] == {"type": kind, "id": entry_id, "title": offer["buttons"][1]["title"]}
    assert customs(picked)[1]["text"] == wording.text("utter_feedback_question")
    assert slot_events(events)["asked_question"] is None
    # the question behind the choices is recorded as answered from the pick
    found = wait_until(lambda: summary(kb)["top_entries"])
    assert found == [{"type": kind, "id": entry_id, "title": offer["buttons"][1]["title"], "count": 1}]
    assert summary(kb)["top_questions"][0]["text"] == "公积金怎么提取"


async def test_nothing_found_climbs_the_ladder_and_queues_the_question(kb, dispatcher):
    events = await ActionAnswerQuestion().run(dispatcher, make_tracker("养狗要办狗证吗"), {})
    assert texts(dispatcher)[0].startswith("抱歉，我没太明白。")
    assert slot_events(events)["fallback_step"] == 1
    groups = wait_until(lambda: feedback.unanswered_groups_list(kb)[1])
    assert groups[0]["text"] == "养狗要办狗证吗"


async def test_a_tapped_question_the_nlu_is_unsure_of_is_still_answered(kb, dispatcher):
    await ActionAnswerOrFallback().run(dispatcher, make_tracker("补办身份证", "nlu_fallback"), {})
    assert customs(dispatcher)[0]["sources"][0]["id"] == "ga-idcard-reissue"
    gibberish = type(dispatcher)()
    await ActionAnswerOrFallback().run(gibberish, make_tracker("吧啦吧啦", "nlu_fallback"), {})
    assert texts(gibberish)[0].startswith("抱歉，我没太明白。")


async def test_elder_mode_gets_feedback_but_no_related_questions(kb, dispatcher):
    await ActionAnswerQuestion().run(dispatcher, make_tracker("补办身份证要多少钱", metadata={"elder_mode": True}), {})
    assert [m.get("type") for m in customs(dispatcher)] == ["text", "buttons"]
    assert customs(dispatcher)[1]["text"] == wording.text("utter_feedback_question")


async def test_inside_a_form_the_answer_comes_alone(kb, dispatcher):
    tracker = make_tracker("补办身份证要多少钱", active_loop="appointment_form")
    await ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1 and customs(dispatcher)[0]["sources"]


# -- 有帮助 / 没帮助 -------------------------------------------------------------------------------------


async def test_not_helpful_goes_to_the_queue_and_the_statistics(kb, dispatcher):
    feedback.record_question(kb, "补办身份证要多少钱", answered=True, source_kind="faq", source_id="faq-ga-002")
    before = [user("你好", "greet"), user("补办身份证要多少钱"), answer("faq", "faq-ga-002", "补办身份证要交多少钱？")]
    tracker = make_tracker("答非所问", "answer_feedback", before=before, metadata={"channel": "wechat"})
    await ActionAnswerFeedback().run(dispatcher, tracker, {})
    assert said(dispatcher) == ["utter_feedback_sorry"] and "12345" in texts(dispatcher)[0]
    groups = wait_until(lambda: feedback.unanswered_groups_list(kb)[1])
    assert [(g["text"], g["count"]) for g in groups] == [("补办身份证要多少钱", 1)]
    result = summary(kb)
    assert result["answer_feedback"]["not_helpful"] == 1
    assert result["answer_feedback"]["by_entry"][0]["id"] == "faq-ga-002"
    assert result["questions"]["answered"] == 0  # the answer did not help: not counted as answered


async def test_helpful_from_the_button_is_counted(kb, dispatcher):
    before = [user("补办身份证要多少钱"), answer("faq", "faq-ga-002", "补办身份证要交多少钱？")]
    payload = feedback_payload(True)
    tracker = make_tracker(payload, "answer_feedback", [{"entity": "helpful", "value": "yes"}], before=before)
    await ActionAnswerFeedback().run(dispatcher, tracker, {})
    assert said(dispatcher) == ["utter_feedback_thanks"]
    counted = wait_until(lambda: summary(kb)["answer_feedback"]["helpful"])
    assert counted == 1 and feedback.unanswered_groups_list(kb)[0] == 0


async def test_feedback_on_a_picked_answer_names_the_question_before_the_choices(kb):
    before = [
        user("社保卡怎么办理"),
        {"event": "bot", "text": wording.text("utter_ask_which_of_answers"), "data": {"buttons": []}},
        user("2", "choose_option"),
        answer("item", "rs-sscard-lost", "社会保障卡挂失"),
        user("有帮助", "answer_feedback"),
    ]
    tracker = make_tracker("不是我想问的", "answer_feedback", before=before[:4])
    assert latest_answer(tracker) == {
        "source": {"type": "item", "id": "rs-sscard-lost", "title": "社会保障卡挂失"},
        "question": "社保卡怎么办理",
        "feedback_given": False,
    }
    assert latest_answer(make_tracker("没帮助", "answer_feedback", before=before))["feedback_given"] is True


@pytest.mark.parametrize(
    "before, text, reply",
    [
        ([], "没帮助", "utter_feedback_nothing_to_rate"),  # no answer yet
        (
            [
                user("补办身份证要多少钱"),
                answer("faq", "faq-ga-002", "补办身份证要交多少钱？"),
                user("有帮助", "answer_feedback"),
            ],
            "没帮助",
            "utter_feedback_already_given",
        ),  # one feedback per answer
        (
            [user("补办身份证要多少钱"), answer("faq", "faq-ga-002", "补办身份证要交多少钱？")],
            "没啥要问的了",
            "utter_feedback_unclear",
        ),  # the NLU guessed feedback, the words say neither: nothing counted
    ],
)
async def test_feedback_that_is_not_counted(kb, dispatcher, before, text, reply):
    await ActionAnswerFeedback().run(dispatcher, make_tracker(text, "answer_feedback", before=before), {})
    assert said(dispatcher) == [reply]
    await asyncio.get_running_loop().shutdown_default_executor()  # whatever it handed to a worker thread is done
    assert summary(kb)["answer_feedback"]["helpful"] + summary(kb)["answer_feedback"]["not_helpful"] == 0


# -- greeting and rating offer ---------------------------------------------------------------------------


async def test_greeting_shows_this_weeks_hot_questions(kb, dispatcher):
    for _ in range(3):
        feedback.record_question(kb, "户口本丢了", answered=True, source_kind="faq", source_id="faq-ga-051")
    events = await ActionGreet().run(dispatcher, make_tracker("你好", "greet"), {})
    assert said(dispatcher)[0] == "utter_greet"
    hot = customs(dispatcher)[1]
    question = kb.get("faq", "faq-ga-051")["question"]
    assert hot["buttons"][0] == {"title": question, "payload": question}  # the most answered this week first
    assert 2 <= len(hot["buttons"]) <= 6  # topped up with the high-frequency items
    assert hot["text"].split("\n")[1] == f"1. {question}"
    assert slot_events(events)["candidates"][0] == "faq:faq-ga-051"
    elder = type(dispatcher)()
    assert await ActionGreet().run(elder, make_tracker("你好", "greet", slots={"elder_mode": True}), {}) == []
    assert said(elder) == ["utter_greet"]


@pytest.mark.parametrize(
    "before, offered",
    [
        ([], False),  # nothing answered in this session
        ([user("补办身份证要多少钱"), answer("faq", "faq-ga-002", "补办身份证要交多少钱？")], True),
        (
            [
                user("补办身份证要多少钱"),
                answer("faq", "faq-ga-002", "补办身份证要交多少钱？"),
                {"event": "session_started"},
            ],
            False,
        ),  # the answer was in an earlier session
        (
            [
                user("补办身份证要多少钱"),
                answer("faq", "faq-ga-002", "补办身份证要交多少钱？"),
                {"event": "action", "name": "action_submit_evaluation"},
            ],
            False,
        ),  # rated already
        (
            [
                user("补办身份证要多少钱"),
                answer("faq", "faq-ga-002", "补办身份证要交多少钱？"),
                {
                    "event": "bot",
                    "data": {
                        "custom": {
                            "type": "buttons",
                            "text": "您对这次服务满意吗？",
                            "buttons": [{"title": "好评", "payload": '/evaluate{"number": "5"}'}],
                        }
                    },
                },
            ],
            False,
        ),  # offered already
    ],
)
async def test_rating_is_offered_once_after_an_answered_conversation(kb, dispatcher, before, offered):
    await ActionOfferRating().run(dispatcher, make_tracker("谢谢", "thank", before=before), {})
    if not offered:
        assert dispatcher.messages == []
        return
    (message,) = customs(dispatcher)
    assert message["text"].startswith("您对这次服务满意吗？") and "回复“好评”" in message["text"]
    assert [(b["title"], json.loads(b["payload"][len("/evaluate") :])) for b in message["buttons"]] == [
        ("好评", {"number": "5"}),
        ("中评", {"number": "3"}),
        ("差评", {"number": "1"}),
    ]


async def test_offered_choices_and_the_pick_are_counted_per_entry(kb, dispatcher):
    """For staff's per-entry statistics: what was offered as a choice, and what was picked from it."""
    from rasa_sdk.executor import CollectingDispatcher

    events = await ActionAnswerQuestion().run(dispatcher, make_tracker("公积金怎么提取"), {})
    offered = slot_events(events)["candidates"]
    by_ref = wait_until(
        lambda: (
            {f"{e['type']}:{e['id']}": e for e in stats.entry_stats(kb, *_hour())["entries"] if e["offered"]} or None
        )
    )
    assert set(by_ref) == set(offered)
    slots = {"candidates": offered, "asked_question": "公积金怎么提取"}
    await ActionChooseOption().run(
        CollectingDispatcher(),
        make_tracker("2", "choose_option", [{"entity": "number", "value": "2"}], slots=slots),
        {},
    )
    picked = wait_until(lambda: [e for e in stats.entry_stats(kb, *_hour())["entries"] if e["chosen"]] or None)
    assert [f"{e['type']}:{e['id']}" for e in picked] == [offered[1]] and picked[0]["offered_not_chosen"] == 0


def _hour():
    now = dt.datetime.utcnow()
    return now - dt.timedelta(hours=1), now + dt.timedelta(hours=1)
