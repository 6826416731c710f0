"""This week's 热门问题 and 有帮助/没帮助 on answers (queue and statistics), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from knowledge import feedback, hot_questions, stats
from knowledge.tables import questions


def _high_frequency(store, item_id: str) -> None:
    store.upsert("item", {**store.get("item", item_id), "high_frequency": True})


def _ask(store, times: int, kind: str, entry_id: str, text: str = "随便问问") -> None:
    for _ in range(times):
        feedback.record_question(store, text, answered=True, source_kind=kind, source_id=entry_id)


def test_hot_questions_are_this_weeks_most_answered_topped_up_with_high_frequency_items(kb):
    _high_frequency(kb, "ga-idcard-reissue")
    assert [q.text for q in hot_questions.hot_questions(kb)] == ["补办身份证"]  # nothing asked yet
    _ask(kb, 3, "faq", "faq-ga-001")
    _ask(kb, 2, "item", "rs-sscard-apply")
    _ask(kb, 1, "app", "app-sscard-query")  # asked once in a week: not hot
    feedback.record_unanswered(kb, "养狗要办什么证")
    feedback.record_unanswered(kb, "养狗要办什么证")
    hot = hot_questions.hot_questions(kb)
    # the entry's own phrasing (a FAQ's question, an item's first alias), never the citizen's words
    assert [(q.text, q.ref) for q in hot] == [
        ("补办身份证要多少钱", "faq:faq-ga-001"),
        ("办社保卡", "item:rs-sscard-apply"),
        ("补办身份证", "item:ga-idcard-reissue"),
    ]
    assert [q.text for q in hot_questions.hot_questions(kb, limit=2)] == ["补办身份证要多少钱", "办社保卡"]
    next_week = dt.datetime.utcnow() + dt.timedelta(days=8)
    assert [q.text for q in hot_questions.hot_questions(kb, now=next_week)] == ["补办身份证"]


def test_an_entry_no_longer_published_is_not_hot(kb):
    _ask(kb, 4, "faq", "faq-ga-001")
    _ask(kb, 2, "item", "rs-sscard-apply")
    kb.upsert("faq", {**kb.get("faq", "faq-ga-001"), "status": "draft"})
    assert [q.ref for q in hot_questions.hot_questions(kb)] == ["item:rs-sscard-apply"]


def test_not_helpful_moves_the_answered_question_to_the_unanswered_queue(kb):
    feedback.record_question(kb, "补办身份证要多少钱？", answered=True, source_kind="faq", source_id="faq-ga-001")
    feedback.record_question(kb, "社保卡怎么办", answered=True, source_kind="item", source_id="rs-sscard-apply")
    assert feedback.record_answer_feedback(kb, True, "item:rs-sscard-apply", "社保卡怎么办", channel="app") is None
    group = feedback.record_answer_feedback(kb, False, "faq:faq-ga-001", "补办身份证要多少钱？", channel="wechat")
    assert group is not None
    total, groups = feedback.unanswered_groups_list(kb)
    assert (total, groups[0]["id"], groups[0]["text"], groups[0]["count"]) == (1, group, "补办身份证要多少钱？", 1)
    with kb.engine.connect() as conn:
        rows = conn.execute(
            sa.select(questions.c.text, questions.c.answered, questions.c.group_id).order_by(questions.c.id)
        ).all()
    # the question's own record now counts as not answered (no second record, so totals stay right)
    assert [tuple(r) for r in rows] == [("补办身份证要多少钱？", False, group), ("社保卡怎么办", True, None)]
    # 没帮助 on an answer whose question was never recorded (e.g. recorded elsewhere): a record is added
    feedback.record_answer_feedback(kb, False, "faq:faq-ga-001", "身份证补办费用")
    now = dt.datetime.utcnow()
    summary = stats.summary(kb, now - dt.timedelta(hours=1), now + dt.timedelta(hours=1))
    assert summary["questions"] == {"total": 3, "answered": 1, "unanswered": 2, "answer_rate": 0.3333}
    assert summary["answer_feedback"] == {
        "helpful": 1,
        "not_helpful": 2,
        "helpful_rate": 0.3333,
        "by_entry": [
            {"type": "faq", "id": "faq-ga-001", "title": "补办身份证要多少钱", "helpful": 0, "not_helpful": 2},
            {"type": "item", "id": "rs-sscard-apply", "title": "社会保障卡申领", "helpful": 1, "not_helpful": 0},
        ],
    }
    assert summary["unanswered_open_groups"] == 2


def test_feedback_outside_the_period_is_not_counted(kb):
    feedback.record_answer_feedback(kb, True, "faq:faq-ga-001", "补办身份证要多少钱")
    later = dt.datetime.utcnow() + dt.timedelta(days=1)
    summary = stats.summary(kb, later, later + dt.timedelta(days=1))
    assert summary["answer_feedback"] == {"helpful": 0, "not_helpful": 0, "helpful_rate": None, "by_entry": []}
