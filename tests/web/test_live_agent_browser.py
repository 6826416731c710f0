"""转人工 in two headless Chromium pages against the running stack (tests/channels/live.py): a citizen on the
H5 chat page and an agent on the staff page's 坐席工作台, logged in with an agent token (the only tab an
agent sees). The citizen asks, then asks for a person; the agent sees the conversation waiting with its
topic, takes it, reads what the bot said before, and replies; the page shows the agent's words as they
come (polled, no reload), while what the citizen types reaches the agent and Rasa's paused tracker but
gets no bot answer; the agent sends a knowledge-base entry and closes the session as 已解决; the citizen
rates it with the closing message's button, the page stops polling, and the bot answers again.
A second test covers the console's other paths: a transfer to another queue, a conversation someone else
took meanwhile (the desk's Chinese refusal shown), and a 离线留言 answered in the console, which the
citizen's page shows when it is next opened. Screenshots are saved under the test's tmp dir."""

from __future__ import annotations

import json
import re
import uuid

import httpx
import pytest

from devtools.support.browser import chromium_page, log_in_to_staff_page
from devtools.support.waiting import wait_until
from tests.channels.live_desk import ADMIN, ALWAYS, closed_today, hours_restored
from tests.conftest import needs

pytestmark = [pytest.mark.stack, pytest.mark.redis]

AGENT = "林坐席"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 1000}
REPLY = "您好，我是人工客服，请问您现在在哪个城市？"
CITIZEN_SAYS = "我在太原，下周要坐火车，急着用身份证"
ENTRY = "急着坐火车，身份证还没办好怎么办？"  # faq-ga-005 of the sample knowledge base
PUSHED = "已通过平台消息推送送达"
KB_TABS = ("faqs", "reviews", "unanswered", "hittests", "stats", "transfer")


@pytest.fixture
def hours(live):
    with hours_restored(live.gateway) as put:
        put(ALWAYS)
        yield put


@pytest.fixture
@needs("browser")
def citizen(tmp_path):
    with chromium_page(tmp_path, viewport=PHONE, locale="zh-CN") as page:
        yield page


@pytest.fixture
def desk(citizen):
    """A second page of the same browser (one Playwright per test): the staff page keeps its token in the
    tab's sessionStorage, the chat page its history in localStorage, so the two do not meet."""
    page = citizen.context.new_page()
    page.set_viewport_size(DESK)
    page.set_default_timeout(30_000)
    yield page
    page.close()


def log_in(page, gateway: str, token: str) -> None:
    with page.expect_request(lambda r: r.url.endswith("/admin/live/heartbeat")):
        log_in_to_staff_page(page, gateway, token, f"{AGENT}（坐席）")
    page.wait_for_selector("#live-status:has-text('在线坐席')")


def chat(gateway: str, sender: str, text: str) -> dict:
    """A citizen's message through the contract (as the web page sends it)."""
    response = httpx.post(gateway + "/api/chat", json={"sender_id": sender, "text": text, "channel": "web"}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def bot_rows(page) -> int:
    return page.locator(".row.bot").count()


def ask(page, text: str) -> dict:
    """Types `text` and sends it; returns the gateway's reply (once the page has shown it)."""
    with page.expect_response(lambda r: r.url.endswith("/api/chat") and r.request.method == "POST") as answered:
        page.fill("#input", text)
        page.click("#send")
    page.wait_for_function("() => !document.querySelector('.typing')")
    return answered.value.json()


def test_citizen_and_agent_in_two_browsers(live, hours, agent_token, citizen, desk, tmp_path):
    gateway = live.gateway

    # The agent logs in: 坐席工作台 is the only tab, and its heartbeat puts the agent on duty.
    log_in(desk, gateway, agent_token)
    assert desk.inner_text("header h1") == "坐席工作台"
    assert desk.is_visible("nav button[data-tab=live]") and "active" in desk.get_attribute(
        "nav button[data-tab=live]", "class"
    )
    assert not any(desk.is_visible(f"nav button[data-tab={tab}]") for tab in KB_TABS)
    assert desk.is_visible("#tab-live") and desk.is_hidden("#tab-faqs")

    # The citizen asks; the bot answers. Then 转人工: the page says the citizen is waiting, and where.
    polls = []  # the page's pulls of the agent's messages
    citizen.on("request", lambda r: polls.append(r.url) if "/events?after=" in r.url else None)
    citizen.goto(gateway + "/web/")
    citizen.wait_for_selector(".row.bot .choice")
    sender = citizen.evaluate("localStorage.getItem('zw.sender')")
    assert sender and sender.startswith("web-")
    assert citizen.is_hidden("#live")
    ask(citizen, "身份证丢了怎么补办")
    assert citizen.locator(".row.bot").last.locator(".card h2").inner_text() == "居民身份证补领"
    handed = ask(citizen, "转人工")
    handoff = next(m for m in handed["messages"] if m["type"] == "handoff")
    assert handoff["live"]["status"] == "waiting", handed
    ahead = handoff["live"]["ahead"]
    shown = citizen.locator(".row.bot").last.inner_text()
    assert "正在为您转接" in shown and f"您前面还有 {ahead} 位" in shown, shown
    citizen.wait_for_selector("#live:visible")
    assert citizen.inner_text("#live-text") == f"排队中，前面还有 {ahead} 位"
    assert citizen.inner_text("#live-end") == "取消排队"

    # The agent's queue shows the conversation with its department and topic; 接入 takes it.
    masked = sender[:4] + "…" + sender[-4:]
    row = desk.locator("#live-queue tbody tr", has_text=masked)
    row.wait_for()
    cells = row.locator("td")
    assert cells.nth(0).inner_text() == f"{masked}（网页）"
    assert cells.nth(1).inner_text() == "山西省公安厅"
    assert cells.nth(2).inner_text() == "居民身份证补领"
    assert re.fullmatch(r"\d+ 秒|\d+ 分 \d+ 秒", cells.nth(3).inner_text())
    desk.screenshot(path=str(tmp_path / "desk-queue.png"), full_page=True)
    session_id = handoff["live"]["session_id"]
    assert row.get_attribute("data-id") == str(session_id)
    row.get_by_role("button", name="接入").click()
    desk.wait_for_selector(f"#message:text-is('已接入会话 {session_id}')")
    desk.wait_for_selector(f"#live-mine li[data-id='{session_id}']")
    assert masked in desk.inner_text(f"#live-mine li[data-id='{session_id}']")
    assert desk.locator("#live-queue tbody tr", has_text=masked).count() == 0

    # … and sees what the bot said before the hand-over, and the entries it offered.
    desk.wait_for_selector("#live-controls:visible")
    assert desk.inner_text("#live-title").endswith("：居民身份证补领")
    assert "接待中" in desk.inner_text("#live-meta") and f"坐席：{AGENT}" in desk.inner_text("#live-meta")
    before = desk.locator("#live-transcript li")
    assert before.nth(0).locator("div").first.inner_text() == "群众：身份证丢了怎么补办"
    assert "智能客服：【居民身份证补领】办事指南" in before.nth(0).inner_text()
    assert before.last.locator("div").first.inner_text() == "群众：转人工"
    assert "居民身份证补领" in desk.inner_text("#live-offered")

    # The citizen's page learns the agent has taken it, without a reload.
    citizen.wait_for_selector(f".row.notice:has-text('人工客服{AGENT}为您服务')")
    citizen.wait_for_selector(f"#live-text:text-is('人工客服 {AGENT} 为您服务')")
    assert citizen.inner_text("#live-end") == "结束人工服务"

    # The agent replies; the console shows how it was delivered, the citizen's page shows it under the
    # agent's name, apart from the bot's answers.
    bots = bot_rows(citizen)
    desk.fill("#live-text", REPLY)
    desk.click("#live-reply button[type=submit]")
    desk.wait_for_selector("#live-delivery:has-text('已发送（对方页面自动接收）')")
    sent = desk.locator("#live-messages li[data-author=agent]", has_text=REPLY)
    sent.wait_for()
    assert f"坐席 {AGENT}" in sent.locator(".by").inner_text()
    assert sent.locator(".delivery").inner_text() == "已发送（对方页面自动接收）"
    agent_row = citizen.locator(".row.agent", has_text=REPLY)
    agent_row.wait_for()
    assert agent_row.locator(".who").inner_text() == f"人工客服 {AGENT}"
    assert agent_row.locator(".bubble").inner_text() == REPLY
    assert bot_rows(citizen) == bots  # the agent's words are not shown as the bot's
    agent_style = citizen.evaluate(
        "[...document.querySelectorAll('.row.agent .bubble, .row.bot .bubble')].slice(-2)"
        ".map(n => getComputedStyle(n).backgroundColor)"
    )
    assert len(set(agent_style)) == 2, agent_style  # visibly different from the bot's bubbles
    citizen.screenshot(path=str(tmp_path / "citizen-agent-reply.png"))

    # What the citizen types now goes to the agent: no bot answer, but Rasa's paused tracker records it.
    answered = ask(citizen, CITIZEN_SAYS)
    assert answered["messages"] == [] and answered["intent"]["name"] == "live_chat", answered
    assert answered["live"]["status"] == "active" and answered["live"]["agent"] == AGENT
    citizen.wait_for_timeout(500)
    assert bot_rows(citizen) == bots
    assert citizen.locator(".row.user .bubble").last.inner_text() == CITIZEN_SAYS
    assert live.user_texts(sender)[-1] == CITIZEN_SAYS
    desk.wait_for_selector(f"#live-messages li[data-author=citizen]:has-text('{CITIZEN_SAYS}')")

    # The agent finds an entry in the knowledge base and sends it; the citizen sees it with its source.
    desk.fill("#live-entry-query", "临时身份证")
    desk.click("#live-entry-search button[type=submit]")
    hit = desk.locator("#live-entry-results li[data-id='faq:faq-ga-005']")
    hit.wait_for()
    assert ENTRY in hit.inner_text()
    hit.get_by_role("button", name="发给群众").click()
    desk.wait_for_selector("#message:has-text('已把条目发给群众：faq:faq-ga-005')")
    desk.wait_for_selector(f"#live-messages li[data-author=agent]:has-text('知识库条目：{ENTRY}')")
    entry_row = citizen.locator(".row.agent", has_text=ENTRY)
    entry_row.wait_for()
    assert entry_row.locator(".bubble").inner_text().startswith(ENTRY + "\n正在申领、换领、补领居民身份证期间")
    assert entry_row.locator(".sources").inner_text() == "依据：" + ENTRY

    # The agent closes the session as 已解决; the console shows it over, the citizen gets the closing words
    # with the rating buttons, and the status line goes.
    desk.click("#live-close-resolved")
    desk.wait_for_selector("#message:has-text('已结束（已解决）')")
    desk.wait_for_selector("#live-meta:has-text('结果：已解决')")
    assert "已结束" in desk.inner_text("#live-meta") and desk.is_hidden("#live-controls")
    assert masked not in desk.inner_text("#live-mine")
    desk.screenshot(path=str(tmp_path / "desk-session.png"), full_page=True)
    closing = citizen.locator(".row.notice", has_text="本次人工服务已结束")
    closing.wait_for()
    assert closing.locator(".choice").all_inner_texts() == ["满意", "基本满意", "不满意"]
    citizen.wait_for_selector("#live", state="hidden")
    assert bot_rows(citizen) == bots
    citizen.screenshot(path=str(tmp_path / "citizen-closed.png"))

    # 满意 is sent as the citizen's message and recorded on the session; then the page stops polling.
    with citizen.expect_response(lambda r: r.url.endswith("/api/chat")) as rated:
        closing.get_by_role("button", name="满意", exact=True).click()
    assert rated.value.request.post_data_json["text"] == "满意"
    citizen.wait_for_selector(".row.bot:has-text('感谢您的评价')")
    detail = httpx.get(f"{gateway}/admin/live/sessions/{session_id}", headers=ADMIN, timeout=10).json()
    assert detail["status"] == "closed" and detail["outcome"] == "resolved" and detail["rating"] == 5, detail
    assert len(polls) >= 3, polls  # it polled while the session was open …
    citizen.wait_for_timeout(2500)  # (the one pull after the session's end may still be due)
    polls.clear()
    citizen.wait_for_timeout(5000)  # … and no more: more than two intervals (2 s) without a pull
    assert polls == []

    # The bot answers again.
    bots = bot_rows(citizen)
    back = ask(citizen, "社保卡怎么办理")
    assert back["intent"]["name"] != "live_chat" and back["sources"], back
    assert bot_rows(citizen) == bots + 1
    card = citizen.locator(".row.bot").last.locator(".card h2")
    assert card.inner_text() == back["messages"][0]["title"] and "社会保障卡" in card.inner_text()
    assert wait_until(lambda: live.user_texts(sender)[-1] == "社保卡怎么办理", 10, "the bot's turn in the tracker")

    # A reload shows the whole conversation again (kept in the browser), with no session open.
    citizen.reload()
    citizen.wait_for_selector(".row.agent")
    assert citizen.locator(".row.agent").count() == 2 and citizen.locator(".row.notice").count() == 2
    assert citizen.is_hidden("#live")

    # 退出 signs the agent off at once (not only after the heartbeat's timeout).
    online = httpx.get(gateway + "/admin/live/queue", headers=ADMIN, timeout=10).json()["agents_online"]
    with desk.expect_response(lambda r: r.url.endswith("/admin/live/sign-off")) as signed_off:
        desk.click("#logout")
    assert signed_off.value.status == 200
    desk.wait_for_selector("#login:visible")
    assert httpx.get(gateway + "/admin/live/queue", headers=ADMIN, timeout=10).json()["agents_online"] == online - 1
    for name in ("desk-queue.png", "citizen-agent-reply.png", "desk-session.png", "citizen-closed.png"):
        assert (tmp_path / name).stat().st_size > 10_000, name


def test_transfer_conflict_and_offline_message_in_the_console(live, hours, agent_token, citizen, desk, tmp_path):
    gateway = live.gateway
    log_in(desk, gateway, agent_token)
    sender = "web-" + uuid.uuid4().hex[:16]
    masked = sender[:4] + "…" + sender[-4:]
    chat(gateway, sender, "身份证丢了怎么补办")
    handoff = next(m for m in chat(gateway, sender, "转人工")["messages"] if m["type"] == "handoff")
    session_id = handoff["live"]["session_id"]

    # Taken, then transferred to the general queue: back in the queue under that department, and told.
    desk.locator(f"#live-queue tbody tr[data-id='{session_id}']").get_by_role("button", name="接入").click()
    desk.wait_for_selector("#live-controls:visible")
    general = desk.locator("#live-transfer-to option[value='']").inner_text()
    assert general.startswith("综合咨询"), general
    assert "山西省公安厅" in desk.locator("#live-transfer-to option").all_inner_texts()
    desk.select_option("#live-transfer-to", "")
    desk.click("#live-transfer")
    desk.wait_for_selector(f"#message:text-is('会话 {session_id} 已转到{general}排队')")
    row = desk.locator(f"#live-queue tbody tr[data-id='{session_id}']")
    row.wait_for()
    assert (
        row.locator("td").nth(0).inner_text().startswith(masked) and row.locator("td").nth(1).inner_text() == "综合咨询"
    )
    desk.wait_for_selector("#live-controls", state="hidden")
    assert not desk.locator(f"#live-mine li[data-id='{session_id}']").count()
    said = httpx.get(f"{gateway}/api/chat/{sender}/events", timeout=10).json()
    assert said["events"][-1]["messages"][0]["text"] == "已为您转到综合咨询，请稍候，马上有工作人员接待。"
    assert said["live"]["status"] == "waiting"

    # Someone else takes it while the agent's queue still shows it: 接入 shows the desk's refusal.
    stale = httpx.get(gateway + "/admin/live/queue", headers={"Authorization": f"Bearer {agent_token}"}, timeout=10)
    assert any(s["id"] == session_id for s in stale.json()["waiting"])
    desk.route(
        "**/admin/live/queue*",
        lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(stale.json())),
    )
    taken = httpx.post(f"{gateway}/admin/live/sessions/{session_id}/take", headers=ADMIN, timeout=10)
    assert taken.status_code == 200, taken.text
    desk.wait_for_timeout(3000)  # a refresh (stale on purpose) has come and gone: the row is still there
    row.get_by_role("button", name="接入").click()
    desk.wait_for_selector("#message.error:text-is('该会话已由内置管理员接入')")
    assert not desk.locator(f"#live-mine li[data-id='{session_id}']").count()
    desk.unroute("**/admin/live/queue*")
    closed = httpx.post(
        f"{gateway}/admin/live/sessions/{session_id}/close", json={"outcome": "resolved"}, headers=ADMIN, timeout=10
    )
    assert closed.status_code == 200, closed.text
    # the admin's take put the admin on duty: off again (the next tests on the shared stack find no agent)
    assert httpx.post(gateway + "/admin/live/sign-off", headers=ADMIN, timeout=10).status_code == 200

    # Out of service hours the citizen leaves a 离线留言; it shows up in the console, the agent answers it.
    config, _ = closed_today()
    hours(config)
    asker = "web-" + uuid.uuid4().hex[:16]
    offer = next(m for m in chat(gateway, asker, "转人工")["messages"] if m["type"] == "handoff")
    assert offer["live"] == {"status": "offline_message"}, offer
    chat(gateway, asker, "留言")
    question = "居住证签注要带什么材料？我的电话13912345678"
    ticket = chat(gateway, asker, question)["live"]
    assert ticket["status"] == "open", ticket
    card = desk.locator(f"#live-tickets .ticket[data-id='{ticket['ticket_id']}']")
    card.wait_for()
    masked_question = question.replace("13912345678", "139****5678")
    assert card.locator(".ticket-message").inner_text() == "留言：" + masked_question
    assert card.locator("h4").inner_text() == f"留言 {ticket['ticket_id']}：{masked_question}"  # its topic
    assert "联系方式：13912345678" in card.inner_text()
    answer = "居住证签注请带居民身份证和居住证到居住地派出所办理。"
    card.locator("textarea").fill(answer)
    card.get_by_role("button", name="答复").click()
    # nobody has the citizen's page open and a phone number was left: the platform's message push
    desk.wait_for_selector(f"#message:text-is('已答复留言 {ticket['ticket_id']}：{PUSHED}')")
    desk.wait_for_selector(f"#live-tickets .ticket[data-id='{ticket['ticket_id']}']", state="detached")
    desk.select_option("#live-ticket-status", "answered")
    answered = desk.locator(f"#live-tickets .ticket[data-id='{ticket['ticket_id']}']")
    answered.wait_for()
    assert "答复：您的留言（编号 " + str(ticket["ticket_id"]) + "）有了答复：\n" + answer in answered.inner_text()
    assert answered.locator(".delivery").inner_text() == PUSHED
    desk.screenshot(path=str(tmp_path / "desk-tickets.png"), full_page=True)
    pushed = httpx.get(live.stack.application_api + "/messages", params={"phone": "13912345678"}, timeout=10)
    assert [m["sender_id"] for m in pushed.json()["items"] if answer in m["text"]] == [asker], pushed.text

    # The citizen's page, opened later, pulls once and shows the answer (no session open: no status line).
    citizen.add_init_script(f"localStorage.setItem('zw.sender', '{asker}')")
    citizen.goto(gateway + "/web/")
    shown = citizen.locator(".row.agent", has_text=answer)
    shown.wait_for()
    assert shown.locator(".who").inner_text() == f"人工客服 {AGENT}"
    assert citizen.is_hidden("#live")
    assert (tmp_path / "desk-tickets.png").stat().st_size > 10_000


def test_an_open_page_shows_the_answer_to_its_offline_message_without_reload(live, hours, citizen, tmp_path):
    """While a 离线留言 waits for its answer the page pulls slowly (ticket_poll_seconds): the answer appears on
    the page still open, and since the page is seen pulling, nothing is pushed to the phone left."""
    from tests.channels.live_desk import Console

    gateway = live.gateway
    config, _ = closed_today()
    hours(config)
    pulls = []  # the page's pulls, by URL
    citizen.on("request", lambda r: pulls.append(r.url) if "/events?after=" in r.url else None)
    citizen.goto(gateway + "/web/")
    citizen.wait_for_selector(".row.bot .choice")
    offer = next(m for m in ask(citizen, "转人工")["messages"] if m["type"] == "handoff")
    assert offer["live"] == {"status": "offline_message"}, offer
    ask(citizen, "留言")
    ask(citizen, "社保卡丢了怎么挂失？")
    phone = "137" + str(uuid.uuid4().int)[:8]
    ticket = ask(citizen, phone)["live"]
    assert ticket["status"] == "open", ticket

    console = Console(gateway, "钱坐席")
    try:
        with citizen.expect_response(lambda r: "/events?after=" in r.url, timeout=40_000) as pulled:
            pass  # the slow pull while the ticket is open
        assert pulled.value.json()["tickets_open"] == 1
        answer = "社保卡可以在“民生山西”上挂失，也可以到社保经办窗口办理。"
        replied = console.answer(ticket["ticket_id"], answer)
        assert replied.status_code == 201 and replied.json()["delivery"] == "pull", replied.text
        shown = citizen.locator(".row.agent", has_text=answer)
        shown.wait_for(timeout=40_000)  # the next slow pull, no reload
        assert shown.locator(".who").inner_text() == "人工客服 钱坐席"
        assert citizen.is_hidden("#live")
        pushed = httpx.get(live.stack.application_api + "/messages", params={"phone": phone}, timeout=10)
        assert pushed.json()["items"] == []  # the open page got it: no push besides
        count = len(pulls)
        citizen.wait_for_timeout(25_000)
        assert len(pulls) == count, pulls  # answered: the page stops pulling
        citizen.screenshot(path=str(tmp_path / "citizen-ticket-answer.png"), full_page=True)
    finally:
        console.leave()
