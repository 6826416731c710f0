"""The bot's wording lives in the domain's responses (actions/wording.py): the actions name responses and
render them with the profile's values; nothing a citizen reads is a sentence in the actions' code."""

import ast
import json
import re
from pathlib import Path

import pytest

from actions import resources, wording
from actions.forms import login
from actions.forms.workorder import KINDS

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
PROVINCE_WORDS = ("三晋通", "山西", "太原", "办事通", "云南", "昆明", "我的宁夏", "宁夏", "银川", "sanjintong", "ynbst")


def action_sources():
    return sorted((ROOT / "actions").rglob("*.py"))


def test_every_response_the_actions_and_channels_name_is_in_the_domain():
    named = set()
    for path in action_sources() + sorted((ROOT / "gateway" / "channels").rglob("*.py")):
        named |= set(re.findall(r'"(utter_[a-z_]+)"', path.read_text(encoding="utf-8")))
    named -= {"utter_action"}  # the key of the name in a message, not a response
    assert named and sorted(n for n in named if n not in wording.responses()) == []


def test_the_families_of_responses_cover_every_key():
    for key in login.FLOWS:
        assert login.FLOWS[key].what and login.FLOWS[key].why
    for kind in KINDS:
        assert wording.text(f"utter_workorder_kind_{kind}")
    for kind in ("appointment", "application", "workorder", "evaluation"):
        assert wording.text(f"utter_submission_kind_{kind}")


def test_no_action_sends_a_sentence_written_in_code():
    """utter_message(text=...) with a Chinese literal or f-string is what the domain is for."""
    wrong = []
    for path in action_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "utter_message":
                for kw in node.keywords:
                    literal = [n.value for n in ast.walk(kw.value) if isinstance(n, ast.Constant)]
                    if kw.arg == "text" and any(isinstance(v, str) and CJK.search(v) for v in literal):
                        wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []


def test_the_domain_names_no_province():
    """Every platform name, hotline and link comes from the profile ({platform}, {hotline}, …)."""
    for name, variations in wording.responses().items():
        for variation in variations:
            found = [w for w in PROVINCE_WORDS if w in (variation.get("text") or "")]
            assert found == [], name


def test_elder_mode_picks_the_elder_variation():
    plain, elder = wording.text("utter_ask_which_service"), wording.text("utter_ask_which_service", elder=True)
    assert plain != elder and "回复数字就行" in elder
    # a response without an elder variation reads the same in both
    assert wording.text("utter_feedback_thanks", elder=True) == wording.text("utter_feedback_thanks")


def test_a_missing_value_or_response_is_an_error_not_a_brace_shown_to_a_citizen():
    with pytest.raises(wording.WordingError):
        wording.text("utter_appointment_day_weekend")  # {day} not given
    with pytest.raises(wording.WordingError):
        wording.text("utter_no_such_response")


def test_the_profile_fills_the_platform_and_the_hotline(sample_kb, monkeypatch):
    profile = json.loads(sample_kb.get_meta("profile"))
    assert "三晋通" in login.login_text(None)
    other = {**profile, "platform": "一部手机办事通", "platform_short": "办事通", "app_name": "办事通APP"}
    other.update(hotline="96128", complaint_entry="办事通APP“12345投诉建议”")
    raw = json.dumps(other, ensure_ascii=False)
    monkeypatch.setattr(resources, "KB_REREAD_SECONDS", 0.0)  # no reuse: the meta read is replaced below
    monkeypatch.setattr(sample_kb, "get_meta", lambda key: raw if key == "profile" else None)
    handoff = wording.text("utter_handoff")
    assert "96128" in handoff and "办事通APP“12345投诉建议”" in handoff and "三晋通" not in handoff
    other["login_explanation"] = "登录办事通（云南省统一身份认证）后，才能查询本人的办件进度。"
    raw = json.dumps(other, ensure_ascii=False)
    general = login.login_text(None)  # the profile's own explanation of why to log in
    assert general.startswith(other["login_explanation"]) and "三晋通" not in general
    assert wording.text("utter_elder_hotline_line", elder=True) == "不清楚的，可以拨打 96128 热线，有人工帮您。"


def test_without_a_profile_the_wording_is_generic(monkeypatch, sample_kb):
    monkeypatch.setattr(sample_kb, "get_meta", lambda key: None)
    text = login.login_text(None)
    assert "政务服务平台" in text and "12345" in text and "{" not in text
