"""The H5 chat page in headless Debian Chromium (driven by Playwright), against the running stack: the
welcome's buttons, a typed question answered with a guide card and its source, 长辈模式 (large text, line
spacing ≥ 1.3, high contrast, one step at a time, sent to the bot), history kept across a reload.
Screenshots are saved under the test's tmp dir."""

import httpx
import pytest

from devtools.support.browser import chromium_page
from tests.conftest import needs

pytestmark = pytest.mark.stack

PHONE = {"width": 390, "height": 844}


@pytest.fixture
@needs("browser")
def browser_page(tmp_path):
    with chromium_page(tmp_path, viewport=PHONE, locale="zh-CN", device_scale_factor=1, has_touch=True) as page:
        yield page


def bot_rows(page) -> int:
    return page.locator(".row.bot").count()


def wait_for_answer(page, rows_before: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('.row.bot').length > n && !document.querySelector('.typing')", arg=rows_before
    )


def test_chat_page_in_headless_chromium(live, browser_page, tmp_path):
    page = browser_page
    page.goto(live.gateway + "/web/")

    # The welcome: greeting and hot questions as buttons (from the knowledge base).
    page.wait_for_selector(".row.bot .choice")
    assert page.title() == "三晋通智能客服" and page.inner_text("#title") == "三晋通智能客服"
    first = page.locator(".row.bot .choice").first
    question = first.inner_text()
    expected = httpx.post(
        live.gateway + "/api/chat", json={"sender_id": "browser-ref", "text": question}, timeout=60
    ).json()
    rows = bot_rows(page)
    first.click()
    wait_for_answer(page, rows)
    assert page.locator(".row.user .bubble").last.inner_text() == question
    answer_row = page.locator(".row.bot").last
    assert answer_row.locator(".sources").inner_text() == "依据：" + "、".join(s["title"] for s in expected["sources"])

    # A typed question gets the guide card, with its source and last-updated date.
    rows = bot_rows(page)
    page.fill("#input", "身份证丢了怎么补办")
    page.click("#send")
    wait_for_answer(page, rows)
    card = page.locator(".row.bot").last.locator(".card")
    assert card.locator("h2").inner_text() == "居民身份证补领"
    assert "所需材料" in card.inner_text() and "信息更新于" in card.inner_text()
    assert page.locator(".row.bot").last.locator(".sources").inner_text() == "依据：居民身份证补领"
    assert card.locator("section").count() >= 5
    assert all(card.locator("section").nth(n).is_visible() for n in range(card.locator("section").count()))
    normal_font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.bubble')).fontSize)")
    page.screenshot(path=str(tmp_path / "web-chat.png"))

    # 长辈模式: large text, line spacing ≥ 1.3, high contrast, one step at a time.
    page.click("#elder-toggle")
    assert page.get_attribute("#elder-toggle", "aria-pressed") == "true"
    style = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('.bubble'));
        return {font: parseFloat(s.fontSize), line: parseFloat(s.lineHeight), color: s.color,
                background: getComputedStyle(document.querySelector('.card')).backgroundColor}; }""")
    assert style["font"] >= 22 and style["font"] > normal_font
    assert style["line"] / style["font"] >= 1.3
    assert style["color"] == "rgb(0, 0, 0)" and style["background"] == "rgb(255, 255, 255)"
    card = page.locator(".row.bot").last.locator(".card")
    sections = card.locator("section")
    total = sections.count()
    assert [sections.nth(n).is_visible() for n in range(total)] == [True] + [False] * (total - 1)
    assert card.locator(".step-count").inner_text() == f"第 1 项，共 {total} 项"
    card.get_by_role("button", name="下一项").click()
    assert [sections.nth(n).is_visible() for n in range(total)] == [False, True] + [False] * (total - 2)
    assert card.locator(".step-count").inner_text() == f"第 2 项，共 {total} 项"
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "web-chat-elder-card.png"))

    # In 长辈模式 the page tells the bot (elder_mode in /api/chat).
    rows = bot_rows(page)
    with page.expect_request(lambda r: r.url.endswith("/api/chat")) as sent:
        page.fill("#input", "社保卡怎么办理")
        page.press("#input", "Enter")
    assert sent.value.post_data_json["elder_mode"] is True and sent.value.post_data_json["channel"] == "web"
    wait_for_answer(page, rows)
    page.screenshot(path=str(tmp_path / "web-chat-elder.png"))

    # History and the mode are kept in this browser across a reload.
    users = page.locator(".row.user").count()
    page.reload()
    page.wait_for_selector(".row.user")
    assert page.locator(".row.user").count() == users == 3
    assert page.get_attribute("#elder-toggle", "aria-pressed") == "true"

    # Voice input is offered exactly where the browser can listen.
    can_listen = page.evaluate("!!(window.SpeechRecognition || window.webkitSpeechRecognition)")
    assert page.locator("#voice").is_visible() == can_listen
    assert (tmp_path / "web-chat.png").stat().st_size > 10_000
    assert (tmp_path / "web-chat-elder.png").stat().st_size > 10_000
    assert (tmp_path / "web-chat-elder-card.png").stat().st_size > 10_000
