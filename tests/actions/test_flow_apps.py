"""The app that serves a business the chat also does (profile.yml flow_apps): shown with the number prompt of
办件进度 and after the login prompt of 投诉 / 建议 / 求助, as its published entry with its source; nothing when the
profile names no app or the app is not published."""

import pytest

from actions.forms.common import ActionCheckLogin
from actions.forms.progress import ActionAskApplicationNo
from knowledge.loader import load_profile
from knowledge.validate import find_problems
from tests.actions.conftest import make_tracker, texts, use_profile
from tests.conftest import ROOT


def sources(dispatcher) -> list:
    return [s["id"] for m in dispatcher.messages for s in (m.get("custom") or {}).get("sources") or []]


async def test_the_number_prompt_shows_where_all_ones_applications_are(sample_kb, dispatcher, domain):
    await ActionAskApplicationNo().run(dispatcher, make_tracker("我上礼拜交的材料审到哪了", "check_progress"), domain)
    said = texts(dispatcher)
    assert said[0].startswith("请提供办件编号")
    assert said[1].startswith("不知道编号的话") and "办件进度查询" in said[1] and "我的办件" in said[1]
    assert dispatcher.messages[1]["custom"]["url"] == "sanjintong://app/app-progress-query"
    assert sources(dispatcher) == ["app-progress-query"]


async def test_the_elder_prompt_stays_short_and_the_app_follows(sample_kb, dispatcher, domain):
    tracker = make_tracker("查进度", "check_progress", slots={"elder_mode": True})
    await ActionAskApplicationNo().run(dispatcher, tracker, domain)
    assert texts(dispatcher)[0].startswith("请告诉我办件编号")
    assert sources(dispatcher) == ["app-progress-query"]


@pytest.mark.parametrize("kind", ["complaint", "suggestion", "help_request"])
async def test_a_work_order_login_prompt_is_followed_by_the_12345_app(sample_kb, dispatcher, domain, kind):
    tracker = make_tracker("小区门口路灯坏了一个月没人修", kind, slots={"workorder_kind": kind})
    await ActionCheckLogin().run(dispatcher, tracker, domain)
    said = texts(dispatcher)
    assert "需要先登录三晋通" in said[0] and "12345" in said[0]
    assert said[-1].startswith("也可以直接用这个应用提交") and "12345投诉建议" in said[-1]
    assert sources(dispatcher) == ["app-12345"]


async def test_a_booking_login_prompt_names_no_app(sample_kb, dispatcher, domain):
    tracker = make_tracker("我要预约补办身份证", "make_appointment", [{"entity": "item", "value": "ga-idcard-reissue"}])
    await ActionCheckLogin().run(dispatcher, tracker, domain)
    assert sources(dispatcher) == [] and "需要先登录" in texts(dispatcher)[0]


async def test_without_flow_apps_only_the_prompts(sample_kb, dispatcher, domain, monkeypatch):
    use_profile(sample_kb, monkeypatch, drop=("flow_apps",))
    await ActionAskApplicationNo().run(dispatcher, make_tracker("查进度", "check_progress"), domain)
    await ActionCheckLogin().run(dispatcher, make_tracker("我要投诉", "complaint"), domain)
    assert sources(dispatcher) == []
    assert texts(dispatcher)[0].startswith("请提供办件编号") and "12345" in texts(dispatcher)[1]


async def test_an_unpublished_app_is_not_shown(sample_kb, dispatcher, domain, monkeypatch):
    app = sample_kb.get("app", "app-progress-query")
    real_get = sample_kb.get
    monkeypatch.setattr(
        sample_kb, "get", lambda kind, i: {**app, "status": "draft"} if i == app["id"] else real_get(kind, i)
    )
    await ActionAskApplicationNo().run(dispatcher, make_tracker("查进度", "check_progress"), domain)
    assert sources(dispatcher) == [] and len(dispatcher.messages) == 1


def test_validation_names_an_unknown_flow_or_app():
    bundle = load_profile(ROOT / "knowledge" / "sample" / "shanxi")
    assert not [p for p in find_problems(bundle) if "flow_apps" in p]
    bundle.profile.flow_apps = {"progress": "app-no-such", "refund": "app-12345"}
    problems = [p for p in find_problems(bundle) if "flow_apps" in p]
    assert sorted(problems) == [
        "profile.yml：flow_apps 的业务 refund 不认识（可用：progress、complaint、suggestion、help_request）",
        "profile.yml：flow_apps.progress 的便民应用 app-no-such 不存在",
    ]
