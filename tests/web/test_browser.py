"""The H5 chat page in headless Debian Chromium (driven by Playwright), against the running stack: the
welcome's buttons, a typed question answered with a guide card and its source, 长辈模式 (large text, line
spacing ≥ 1.3, high contrast, one step at a time, sent to the bot), history kept across a reload.
On the Ningxia profile (a second real stack) the page is 我的宁夏's, and 长辈模式 adds what its profile turns
on: the high-contrast style (every text ≥ 7:1) and each new reply read aloud, with a control to stop; the
Shanxi profile turns neither on. Headless Chromium has no voices, so window.speechSynthesis is replaced in
the page (an init script) by a stand-in that records what it is asked to say.
Screenshots are saved under the test's tmp dir."""

import httpx
import pytest

from devtools.support.browser import chromium_page
from tests.conftest import needs

pytestmark = pytest.mark.stack

PHONE = {"width": 390, "height": 844}

# Records speechSynthesis calls in window.__speech (spoken: [{text, lang, rate}], cancels: n).
SPEECH_STUB = """(() => {
  const calls = {spoken: [], cancels: 0};
  const synth = {
    speaking: false, pending: false, paused: false, onvoiceschanged: null,
    speak(u) { calls.spoken.push({text: u.text, lang: u.lang, rate: u.rate}); this.speaking = true; },
    cancel() { calls.cancels += 1; this.speaking = false; },
    pause() {}, resume() {}, getVoices() { return []; },
    addEventListener() {}, removeEventListener() {}, dispatchEvent() { return true; },
  };
  window.__speech = calls;
  Object.defineProperty(window, "speechSynthesis", {configurable: true, get: () => synth});
})();"""

# The lowest contrast ratio (WCAG 2) of text against its background among the elements matched by selectors.
MIN_CONTRAST = r"""selectors => {
  const rgba = c => { const m = c.match(/[\d.]+/g).map(Number); return m.length < 4 ? [...m, 1] : m; };
  const lum = ([r, g, b]) => { const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = node => { for (; node && node.nodeType === 1; node = node.parentElement) {
      const c = rgba(getComputedStyle(node).backgroundColor); if (c[3] > 0) return c; } return [255, 255, 255, 1]; };
  const found = {};
  for (const selector of selectors) {
    const node = document.querySelector(selector);
    if (!node) { found[selector] = null; continue; }
    const a = lum(rgba(getComputedStyle(node).color)), b = lum(background(node));
    found[selector] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  return found;
}"""
CONTRASTED = [".bar h1", "#elder-toggle", ".row.bot .bubble", ".row.user .bubble", ".choice", ".card h2", "#send"]


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


def spoken(page) -> list:
    return page.evaluate("window.__speech.spoken")


def body_classes(page) -> set:
    return set(page.evaluate("Array.from(document.body.classList)"))


def test_chat_page_in_headless_chromium(live, browser_page, tmp_path):
    page = browser_page
    page.add_init_script(SPEECH_STUB)
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
    assert body_classes(page) == {"elder"}  # the Shanxi profile turns on no high-contrast style
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
    assert spoken(page) == [] and page.locator("#reading").is_hidden()  # nor reading aloud
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


def test_ningxia_page_with_high_contrast_and_reading_aloud(ningxia_stack, browser_page, tmp_path):
    page = browser_page
    page.add_init_script(SPEECH_STUB)
    page.goto(ningxia_stack.gateway + "/web/")
    page.wait_for_selector(".row.bot .choice")
    assert page.title() == "我的宁夏智能客服" and page.inner_text("#title") == "我的宁夏智能客服"
    assert page.locator(".row.bot .bubble").first.inner_text().startswith("您好！我是我的宁夏智能客服")
    assert "三晋通" not in page.inner_text("body")

    # Without 长辈模式 the page is as on any profile: no high contrast, nothing read aloud.
    rows = bot_rows(page)
    page.fill("#input", "社保卡怎么办理")
    page.click("#send")
    wait_for_answer(page, rows)
    assert body_classes(page) == set() and spoken(page) == []
    normal = page.evaluate(MIN_CONTRAST, CONTRASTED)

    # 长辈模式 switches on the high-contrast style: every text at least 7:1 against its background.
    page.click("#elder-toggle")
    assert body_classes(page) == {"elder", "high-contrast"}
    assert "高对比度" in page.get_attribute("#elder-toggle", "title")
    contrast = page.evaluate(MIN_CONTRAST, CONTRASTED)
    assert None not in contrast.values(), contrast
    assert all(ratio >= 7 for ratio in contrast.values()), contrast
    assert min(contrast.values()) > min(r for r in normal.values() if r), (normal, contrast)

    # … and reads each new reply aloud, in Chinese and slower, with a visible control to stop.
    rows = bot_rows(page)
    page.fill("#input", "身份证丢了怎么补办")
    page.click("#send")
    wait_for_answer(page, rows)
    said = spoken(page)
    assert said, "nothing was read aloud"
    assert all(u["lang"] == "zh-CN" and u["rate"] < 1 for u in said), said
    assert "居民身份证补领" in "".join(u["text"] for u in said)
    assert page.locator("#stop-reading").is_visible()
    page.screenshot(path=str(tmp_path / "web-ningxia-elder.png"))
    cancels = page.evaluate("window.__speech.cancels")
    page.click("#stop-reading")
    assert page.evaluate("window.__speech.cancels") > cancels and page.locator("#reading").is_hidden()

    # Switching 长辈模式 off again: the ordinary style, replies no longer read.
    page.click("#elder-toggle")
    assert body_classes(page) == set()
    heard = len(spoken(page))
    rows = bot_rows(page)
    page.fill("#input", "你好")
    page.click("#send")
    wait_for_answer(page, rows)
    assert len(spoken(page)) == heard

    # When the welcome cannot be fetched the page still works, generic: no profile, so no extras.
    page.click("#elder-toggle")
    page.route("**/web/api/welcome", lambda route: route.fulfill(status=500, body="{}"))
    page.reload()
    page.wait_for_selector(".row.user")
    assert page.title() == "政务服务智能客服" and body_classes(page) == {"elder"}
    rows = bot_rows(page)
    page.fill("#input", "身份证丢了怎么补办")
    page.click("#send")
    wait_for_answer(page, rows)
    assert "居民身份证补领" in page.locator(".row.bot").last.inner_text()
    assert spoken(page) == []
    assert (tmp_path / "web-ningxia-elder.png").stat().st_size > 10_000
