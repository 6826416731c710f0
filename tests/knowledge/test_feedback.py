"""Unanswered-question queue, statistics and masking, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from knowledge import feedback, stats
from knowledge.staff import StaffMember
from knowledge.tables import events, questions
from knowledge.workflow import Conflict, Workflow
from privacy import redact_text

EDITOR = StaffMember("张编辑", "editor", 1)


@pytest.mark.parametrize(
    "text, masked",
    [
        ("我的身份证号是140105199001011234，丢了", "我的身份证号是[身份证号]，丢了"),
        ("身份证14010519900101123X过期", "身份证[身份证号]过期"),
        ("老身份证140105900101123还能用吗", "老身份证[身份证号]还能用吗"),
        ("电话13812345678或+86 138-1234-5678", "电话[电话]或[电话]"),
        ("座机0351-1234567", "座机[电话]"),
        ("卡号6222021234567890123", "卡号[卡号]"),
        ("拨打12345热线，2024年办理，事项编号140100", "拨打12345热线，2024年办理，事项编号140100"),
    ],
)
def test_masks_id_numbers_phones_and_cards_only(text, masked):
    assert redact_text(text) == masked


def test_similar_unanswered_questions_are_grouped_with_counts(make_store):
    store = make_store()
    first = feedback.record_unanswered(store, "养狗要办什么证？", channel="app")
    assert feedback.record_unanswered(store, "请问养狗要办什么证", channel="wechat") == first
    assert feedback.record_unanswered(store, "养狗需要办什么证吗", channel="app") == first
    other = feedback.record_unanswered(store, "公园几点关门")
    assert other != first
    total, groups = feedback.unanswered_groups_list(store)
    assert total == 2
    assert [(g["text"], g["count"]) for g in groups] == [("养狗要办什么证？", 3), ("公园几点关门", 1)]
    assert groups[0]["examples"] == ["养狗需要办什么证吗", "请问养狗要办什么证", "养狗要办什么证？"]


def test_stored_questions_are_masked(make_store):
    store = make_store()
    feedback.record_unanswered(store, "身份证140105199001011234丢了，电话13812345678")
    feedback.record_question(
        store, "我的手机13912345678收不到验证码", answered=True, source_kind="faq", source_id="faq-platform-007"
    )
    feedback.record_rating(store, 1, "faq:faq-platform-007", comment="打13812345678没人接")
    with store.engine.connect() as conn:
        stored = [row.text for row in conn.execute(sa.select(questions.c.text))]
        comments = [row.comment for row in conn.execute(sa.select(events.c.comment))]
    assert stored == ["身份证[身份证号]丢了，电话[电话]", "我的手机[电话]收不到验证码"]
    assert comments == ["打[电话]没人接"]
    assert feedback.unanswered_groups_list(store)[1][0]["text"] == "身份证[身份证号]丢了，电话[电话]"


def test_make_an_faq_from_a_group_closes_it(kb):
    group = feedback.record_unanswered(kb, "身份证丢了在外地能补办吗")
    feedback.record_unanswered(kb, "在外地身份证丢了能补办吗")
    template = feedback.faq_template(kb, group)
    assert template == {
        "id": f"faq-u{group}",
        "question": "身份证丢了在外地能补办吗",
        "similar_questions": ["在外地身份证丢了能补办吗"],
        "answer": "",
        "department": "",
        "keywords": [],
        "items": [],
    }
    flow = Workflow(kb)
    draft = feedback.faq_from_group(
        kb,
        flow,
        group,
        {"answer": "可以，居民身份证补领已实现跨省通办。", "items": ["ga-idcard-reissue"], "department": "ga"},
        EDITOR,
    )
    assert (draft["state"], draft["origin"], draft["data"]["similar_questions"]) == (
        "draft",
        "unanswered",
        ["在外地身份证丢了能补办吗"],
    )
    closed = feedback.unanswered_group(kb, group)
    assert (closed["state"], closed["faq_id"], closed["resolved_by"]) == ("resolved", f"faq-u{group}", "张编辑")
    with pytest.raises(Conflict):
        feedback.faq_from_group(kb, flow, group, {"answer": "再来一次"}, EDITOR)
    assert feedback.unanswered_groups_list(kb)[0] == 0


def test_stats_count_answer_rate_handoffs_and_satisfaction(kb):
    for _ in range(3):
        feedback.record_question(kb, "补办身份证要多少钱", answered=True, source_kind="faq", source_id="faq-ga-001")
    feedback.record_question(kb, "补办身份证要多少钱？", answered=True, source_kind="faq", source_id="faq-ga-001")
    feedback.record_unanswered(kb, "养狗要办什么证")
    feedback.record_submission(kb, "appointment", channel="app")
    feedback.record_submission(kb, "appointment")
    feedback.record_submission(kb, "12345")
    for score in (5, 4, 2):
        feedback.record_rating(kb, score, "faq:faq-ga-001")
    with pytest.raises(ValueError):
        feedback.record_rating(kb, 6)
    now = dt.datetime.utcnow()
    result = stats.summary(kb, now - dt.timedelta(days=1), now + dt.timedelta(minutes=1), top=5)
    assert result["questions"] == {"total": 5, "answered": 4, "unanswered": 1, "answer_rate": 0.8}
    assert result["top_questions"] == [
        {"text": "补办身份证要多少钱", "count": 4, "answered": 4},
        {"text": "养狗要办什么证", "count": 1, "answered": 0},
    ]
    assert result["top_entries"] == [{"type": "faq", "id": "faq-ga-001", "title": "补办身份证要多少钱", "count": 4}]
    assert result["handoffs"] == {"total": 3, "by_target": {"12345": 1, "appointment": 2}, "rate": 0.6}
    assert result["satisfaction"] == {
        "ratings": 3,
        "average": 3.67,
        "satisfied_rate": 0.6667,
        "by_score": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1},
    }
    assert result["unanswered_open_groups"] == 1
    later = stats.summary(kb, now + dt.timedelta(days=1), now + dt.timedelta(days=2))
    assert later["questions"]["answer_rate"] is None and later["satisfaction"]["average"] is None


def test_concurrent_recording_loses_nothing(make_store):
    """The action server records from worker threads: on SQLite a read-then-write must wait its turn
    rather than fail with "database is locked"."""
    import threading

    store = make_store()
    errors = []

    def ask(worker: int) -> None:
        for n in range(10):
            try:
                feedback.record_question(store, f"第{worker}组第{n}个没人问过的问题", answered=False)
            except Exception as exc:  # collected: the assertion below shows them
                errors.append(repr(exc))

    threads = [threading.Thread(target=ask, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(questions)).scalar_one() == 80
