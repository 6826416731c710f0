"""knowledge.excerpt: a readable start of a long answer, cut at a paragraph or sentence boundary."""

from __future__ import annotations

from knowledge.excerpt import excerpt, full_answer_path


def test_short_answers_are_whole():
    shown = excerpt("带身份证到派出所办理。")
    assert shown.text == "带身份证到派出所办理。" and not shown.truncated


def test_long_answer_is_cut_at_the_last_sentence_end_before_the_limit():
    answer = "第一句话写得比较长一些，用来占位置。" * 30  # 540 characters
    shown = excerpt(answer, 300)
    assert shown.truncated
    assert shown.text.endswith("。") and 150 <= len(shown.text) <= 300
    assert answer.startswith(shown.text)


def test_a_paragraph_break_is_preferred():
    answer = "甲" * 200 + "\n\n" + "乙" * 80 + "。" + "丙" * 400
    shown = excerpt(answer, 300)
    assert shown.text == "甲" * 200 and shown.truncated


def test_text_without_any_boundary_is_cut_hard_with_an_ellipsis():
    shown = excerpt("无" * 1000, 300)
    assert shown.text == "无" * 300 + "……" and shown.truncated


def test_the_full_answer_path_encodes_the_id_whole():
    assert full_answer_path("GIP_1/政策 100%") == "/kb/faqs/GIP_1%2F%E6%94%BF%E7%AD%96%20100%25"
