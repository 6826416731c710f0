"""The service hours of 转人工 on the staff page's 坐席工作台, in headless Chromium against the running stack
(tests/channels/live.py): an admin reads the profile's hours, sets other default hours, a department's own
hours and the queue limit, and saves them (the API then says they are the console's); an invalid period is
refused with the API's Chinese words next to the form and nothing is saved; 恢复档案设置 (after its
confirmation) puts the profile's back. An agent sees the same hours read-only. The statistics tab shows the
人工客服 part: a conversation an agent took and resolved is counted under the agent. The stack is shared:
the hours go back to the profile's (DELETE /admin/live/hours) and everyone goes off duty afterwards."""

from __future__ import annotations

import uuid

import httpx
import pytest

from devtools.support.browser import chromium_page
from devtools.support.browser import log_in_to_staff_page as log_in
from tests.channels.live_desk import ADMIN, ALWAYS, Console
from tests.conftest import STACK_ADMIN_TOKEN, needs

pytestmark = [pytest.mark.stack, pytest.mark.redis]

AGENT = "赵坐席"
ADMIN_NAME = "内置管理员（管理员）"
DESK = {"width": 1280, "height": 1000}
# the Shanxi profile's live_chat (knowledge/sample/shanxi/profile.yml)
PROFILE_HOURS = {"days": [1, 2, 3, 4, 5], "periods": ["09:00-12:00", "13:30-17:30"]}
PROFILE_GA = {"days": [1, 2, 3, 4, 5, 6], "periods": ["08:30-12:00", "14:00-18:00"]}
DEFAULT_ROW = "#live-hours-table tr[data-scope=default]"
GENERAL_ROW = "#live-hours-table tr[data-department='']"  # 综合咨询, the general queue
GA_ROW = "#live-hours-table tr[data-department='ga']"


def hours_now(gateway: str) -> dict:
    response = httpx.get(gateway + "/admin/live/hours", headers=ADMIN, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def back_to_profile(gateway: str) -> None:
    """The profile's hours again, and the admin off duty (the 坐席工作台 tab beat for the admin)."""
    reset = httpx.delete(gateway + "/admin/live/hours", headers=ADMIN, timeout=10)
    assert reset.status_code == 200, reset.text
    assert httpx.post(gateway + "/admin/live/sign-off", headers=ADMIN, timeout=10).status_code == 200


@pytest.fixture
@needs("browser")
def page(tmp_path):
    with chromium_page(tmp_path, viewport=DESK, locale="zh-CN") as page:
        yield page


def set_row(page, row: str, days: list, periods: str) -> None:
    for day in range(1, 8):
        page.set_checked(f"{row} .days input[value='{day}']", day in days)
    page.fill(f"{row} input.periods", periods)


def cells(page, row: str) -> list:
    return [page.locator(row + " td").nth(n).inner_text() for n in range(3)]


def test_an_admin_sets_the_hours_and_an_agent_reads_them(live, agent_token, page, tmp_path):
    gateway = live.gateway
    try:
        back_to_profile(gateway)  # whatever an earlier test left: the profile's hours, shown read from it
        log_in(page, gateway, STACK_ADMIN_TOKEN, ADMIN_NAME)
        page.click("nav button[data-tab=live]")
        page.wait_for_selector(f"{GA_ROW} input.inherit")
        assert page.inner_text("#live-hours-source").startswith("现行设置：档案设置")
        assert page.is_visible("#live-hours-save") and page.is_visible("#live-hours-reset")
        default_days = page.locator(f"{DEFAULT_ROW} .days input")
        assert [default_days.nth(n).is_checked() for n in range(7)] == [True] * 5 + [False] * 2
        assert page.input_value(f"{DEFAULT_ROW} input.periods") == "09:00-12:00、13:30-17:30"
        assert not page.is_checked(f"{GA_ROW} input.inherit")  # 山西省公安厅 has its own hours in the profile
        assert page.input_value(f"{GA_ROW} input.periods") == "08:30-12:00、14:00-18:00"
        assert page.is_checked(f"{GENERAL_ROW} input.inherit") and page.is_disabled(f"{GENERAL_ROW} input.periods")
        assert page.input_value("#live-queue-limit") == "20"

        # Only 周日 10:00-11:00 by default; 综合咨询 its own hours (periods split by a comma and a space);
        # 山西省公安厅 back to the default hours; at most 5 waiting.
        set_row(page, DEFAULT_ROW, [7], "10:00-11:00")
        page.uncheck(f"{GENERAL_ROW} input.inherit")
        assert page.input_value(f"{GENERAL_ROW} input.periods") == "10:00-11:00"  # starts from the default's
        set_row(page, GENERAL_ROW, [6, 7], "13:00-14:00, 15:00-16:00 16:30-17:00")
        page.check(f"{GA_ROW} input.inherit")
        page.fill("#live-queue-limit", "5")
        page.click("#live-hours-save")
        page.wait_for_selector("#message:has-text('已保存人工服务时间')")
        saved = hours_now(gateway)
        assert saved == {
            "hours": {"days": [7], "periods": ["10:00-11:00"]},
            "departments": {"": {"days": [6, 7], "periods": ["13:00-14:00", "15:00-16:00", "16:30-17:00"]}},
            "queue_limit": 5,
            "source": "console",
        }
        page.wait_for_selector("#live-hours-source:has-text('现行设置：工作台设置')")
        assert page.input_value(f"{GENERAL_ROW} input.periods") == "13:00-14:00、15:00-16:00、16:30-17:00"
        assert page.is_checked(f"{GA_ROW} input.inherit") and page.input_value("#live-queue-limit") == "5"
        assert page.locator(f"{GA_ROW} td").nth(2).inner_text() in ("服务中", "非服务时间")
        page.screenshot(path=str(tmp_path / "live-hours-saved.png"), full_page=True)

        # An invalid period: the API's Chinese refusal next to the form, nothing saved.
        page.fill(f"{DEFAULT_ROW} input.periods", "18:00-09:00")
        with page.expect_response(lambda r: r.url.endswith("/admin/live/hours") and r.request.method == "PUT") as put:
            page.click("#live-hours-save")
        assert put.value.status == 422
        page.wait_for_selector("#live-hours-error:has-text('开始早于结束')")
        error = page.inner_text("#live-hours-error")
        assert error.startswith("请求参数有误：") and "时段“18:00-09:00”应写成 09:00-17:30" in error, error
        assert hours_now(gateway) == saved
        page.fill("#live-queue-limit", "")
        page.click("#live-hours-save")
        page.wait_for_selector("#live-hours-error:text-is('排队上限应为不小于 0 的整数')")
        assert hours_now(gateway) == saved
        page.screenshot(path=str(tmp_path / "live-hours-refused.png"), full_page=True)

        # 恢复档案设置 asks first: dismissed, nothing happens; accepted, the profile's hours are back.
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.click("#live-hours-reset")
        page.wait_for_timeout(500)
        assert hours_now(gateway)["source"] == "console"
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.click("#live-hours-reset")
        page.wait_for_selector("#message:has-text('已恢复档案设置')")
        assert "省份档案" in asked[0]
        assert hours_now(gateway) == {
            "hours": PROFILE_HOURS,
            "departments": {"ga": PROFILE_GA},
            "queue_limit": 20,
            "source": "profile",
        }
        assert page.inner_text("#live-hours-source").startswith("现行设置：档案设置")
        assert page.input_value(f"{DEFAULT_ROW} input.periods") == "09:00-12:00、13:30-17:30"
        assert page.inner_text("#live-hours-error") == ""  # the refusal is gone with the new form
        assert page.input_value("#live-queue-limit") == "20"
        page.click("#logout")
        page.wait_for_selector("#login:visible")  # signed off, the token gone from the tab

        # An agent: the same hours, read-only.
        log_in(page, gateway, agent_token, f"{AGENT}（坐席）")
        page.wait_for_selector(f"{GA_ROW} td.hours")
        assert page.inner_text("#live-hours-source").startswith("现行设置：档案设置")
        assert cells(page, DEFAULT_ROW)[:2] == ["默认时间（未单独设置的部门）", "周一至周五 09:00-12:00、13:30-17:30"]
        assert cells(page, GA_ROW)[:2] == ["山西省公安厅", "周一至周六 08:30-12:00、14:00-18:00"]
        assert cells(page, GENERAL_ROW)[1] == "使用默认时间（周一至周五 09:00-12:00、13:30-17:30）"
        assert page.inner_text("#live-hours-limit").startswith("排队上限：20 人")
        assert page.locator("#live-hours input").count() == 0
        assert page.is_hidden("#live-hours-save") and page.is_hidden("#live-hours-reset")
        page.screenshot(path=str(tmp_path / "live-hours-agent.png"), full_page=True)
    finally:
        back_to_profile(gateway)
    for name in ("live-hours-saved.png", "live-hours-refused.png", "live-hours-agent.png"):
        assert (tmp_path / name).stat().st_size > 10_000, name


def test_the_statistics_tab_shows_the_live_agents_part(live, page, tmp_path):
    gateway = live.gateway
    put = httpx.put(gateway + "/admin/live/hours", json=ALWAYS, headers=ADMIN, timeout=10)
    assert put.status_code == 200, put.text
    name = "统计坐席" + uuid.uuid4().hex[:4]  # its own name: other tests on the shared stack serve as well
    agent = Console(gateway, name)
    try:
        # One conversation, taken and resolved by this agent.
        sender = "web-" + uuid.uuid4().hex[:16]
        for text in ("身份证丢了怎么补办", "转人工"):
            said = httpx.post(
                gateway + "/api/chat", json={"sender_id": sender, "text": text, "channel": "web"}, timeout=60
            )
            assert said.status_code == 200, said.text
        handoff = next(m for m in said.json()["messages"] if m["type"] == "handoff")
        session_id = handoff["live"]["session_id"]
        agent.take(session_id)
        agent.say(session_id, "您好，请问在哪里丢的？")
        agent.close(session_id, "resolved")
    finally:
        agent.leave()
        back_to_profile(gateway)
    live_stats = httpx.get(gateway + "/admin/stats", headers=ADMIN, timeout=30).json()["live"]
    mine = next(a for a in live_stats["by_agent"] if a["agent"] == name)
    assert (mine["conversations"], mine["resolved"]) == (1, 1)

    log_in(page, gateway, STACK_ADMIN_TOKEN, ADMIN_NAME)
    page.click("nav button[data-tab=stats]")
    row = page.locator(f"#stats-live-agents tr[data-agent='{name}']")
    row.wait_for()
    assert row.inner_text().split("\t") == [name, "1", "1"]
    assert page.locator("#stats-live-agents tbody tr").count() == len(live_stats["by_agent"])
    summary = page.inner_text("#stats-live")
    assert f"转人工会话\n{live_stats['sessions']}" in summary, summary
    assert live_stats["taken"] >= 1 and f"坐席接入 {live_stats['taken']}，" in summary
    assert "排队等待\n平均 " in summary and "首次回复\n平均 " in summary
    assert f"离线留言\n{live_stats['tickets']['total']} 条" in summary
    page.screenshot(path=str(tmp_path / "stats-live.png"), full_page=True)
    assert (tmp_path / "stats-live.png").stat().st_size > 10_000
