"""The staff page (/staff/) in headless Debian Chromium, driven by Playwright, against a real gateway process:
an editor writes an FAQ and submits it (and cannot publish), a reviewer publishes it from the review
queue and it becomes searchable, an unanswered question becomes an FAQ draft, a bad import file shows its
row errors. Screenshots are saved under the test's tmp dir."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from devtools.support.browser import chromium_page
from devtools.support.browser import log_in_to_staff_page as log_in
from knowledge import feedback
from tests.admin.gateway_process import GatewayProcess
from tests.conftest import needs

BOOTSTRAP = "staff-page-bootstrap-token"


@pytest.fixture(params=["sqlite"])
def db_url(request, tmp_path):  # one backend is enough for the page; the API runs on both elsewhere
    return f"sqlite:///{tmp_path / 'kb.sqlite3'}"


@pytest.fixture
@needs("processes")
def gateway(kb, db_url, tmp_path):
    process = GatewayProcess(tmp_path, db_url, BOOTSTRAP).start()
    yield process
    process.stop()


@pytest.fixture
def staff_tokens(gateway) -> dict:
    tokens = {}
    for name, role in (("张编辑", "editor"), ("李审核", "reviewer")):
        response = gateway.post("/admin/staff", json={"name": name, "role": role})
        assert response.status_code == 201, response.text
        tokens[role] = response.json()["token"]
    return tokens


@pytest.fixture
@needs("browser")
def page(tmp_path):
    with chromium_page(tmp_path, timeout_ms=20_000, locale="zh-CN", viewport={"width": 1280, "height": 900}) as page:
        yield page


def test_editor_writes_reviewer_publishes_in_the_browser(gateway, staff_tokens, page, tmp_path, kb):
    # A wrong token is refused with the API's Chinese message.
    page.goto(gateway.url + "/staff/")
    page.fill("#token", "wrong-token")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#login-error:has-text('工作人员令牌无效或已停用')")

    log_in(page, gateway.url, staff_tokens["editor"], "张编辑（编辑）")
    page.wait_for_selector("#faq-table tr[data-id='faq-ga-001']")
    assert page.inner_text("#faq-total") == "共 1 条"
    page.click("#faq-new")
    page.wait_for_selector("#editor[open]")
    form = "#faq-form "
    page.fill(form + "[name=id]", "faq-dog-001")
    page.fill(form + "[name=question]", "养狗要办什么证")
    page.fill(form + "[name=similar_questions]", "养犬登记怎么办\n狗证在哪里办")
    page.fill(form + "[name=answer]", "到居住地公安派出所办理养犬登记证。")
    page.select_option(form + "[name=department]", "ga")
    page.fill(form + "[name=keywords]", "养犬,登记")
    assert page.is_hidden("#publish")
    page.click("#submit-review")
    page.wait_for_selector("#message:has-text('已提交审核：faq-dog-001')")
    page.screenshot(path=str(tmp_path / "editor.png"), full_page=True)
    page.select_option("#faq-state", "pending")
    page.click("#faq-search button[type=submit]")
    page.click("#faq-table tr[data-id='faq-dog-001']")
    page.wait_for_selector("#editor-state:has-text('待审核')")
    assert page.is_hidden("#publish") and page.is_hidden("#reject")  # an editor cannot publish
    page.click("#close-editor")
    assert gateway.get("/admin/faqs/faq-dog-001").json()["live"] is None

    page.click("#logout")
    log_in(page, gateway.url, staff_tokens["reviewer"], "李审核（审核员）")
    page.click("nav button[data-tab=reviews]")
    card = page.locator(".review[data-id='faq-dog-001']")
    card.wait_for()
    assert "question（问题）：（空） → 养狗要办什么证" in card.inner_text()
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    card.locator("button", has_text="发布").click()
    page.wait_for_selector("#message:has-text('已发布：faq-dog-001（第 1 版）')")
    live = gateway.get("/admin/faqs/faq-dog-001").json()["live"]["data"]
    assert (live["editor"], live["reviewer"], live["similar_questions"]) == (
        "张编辑",
        "李审核",
        ["养犬登记怎么办", "狗证在哪里办"],
    )
    gateway.wait_until(lambda: gateway.search_ids("养狗要办什么证")[:1] == ["faq-dog-001"], timeout=5)


def test_unanswered_question_becomes_an_faq_and_bad_imports_show_their_rows(gateway, staff_tokens, page, tmp_path, kb):
    group = feedback.record_unanswered(kb, "公园几点关门")
    feedback.record_unanswered(kb, "请问公园几点关门呢")
    log_in(page, gateway.url, staff_tokens["editor"], "张编辑（编辑）")
    page.click("nav button[data-tab=unanswered]")
    row = page.locator(f"#unanswered-table tr[data-id='{group}']")
    row.wait_for()
    assert row.locator("td").nth(1).inner_text() == "2"
    row.locator("button", has_text="生成 FAQ").click()
    page.wait_for_selector("#editor[open]")
    page.wait_for_function("() => document.querySelector('#faq-form [name=question]').value !== ''")
    assert page.input_value("#faq-form [name=question]") == "公园几点关门"
    assert page.input_value("#faq-form [name=similar_questions]") == "请问公园几点关门呢"
    page.fill("#faq-form [name=answer]", "市内公园一般 6:00 开园、22:00 闭园，以各公园公告为准。")
    page.click("#submit-review")
    page.wait_for_selector(f"#message:has-text('已提交审核：faq-u{group}')")
    pending = gateway.get(f"/admin/faqs/faq-u{group}").json()["pending"]
    assert (pending["state"], pending["origin"]) == ("review", "unanswered")
    page.click("nav button[data-tab=unanswered]")
    page.wait_for_function("() => document.querySelectorAll('#unanswered-table tbody tr').length === 0")

    page.click("nav button[data-tab=transfer]")
    bad = tmp_path / "faqs.csv"
    bad.write_text(
        "id,question,similar_questions,answer,department,keywords,status\n"
        "faq-a,问题一,,答案一。,ga,,draft\nfaq-b,问题二,,,ga,,draft\n",
        encoding="utf-8",
    )
    page.set_input_files("#import-file", str(bad))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-errors")
    assert page.inner_text("#import-result p") == "导入失败：文件中有 1 行有误，整个文件都没有导入，请改正后重新导入"
    assert page.locator("#import-errors tr").nth(1).inner_text().split("\t") == ["3", "answer（答案）不能为空"]
    page.screenshot(path=str(tmp_path / "import.png"), full_page=True)
    # The same file with "只导入正确的行", with a real export's id and an unknown department (issue #15).
    bad.write_text(
        "编号,问题,相似问法,答案,部门,关键词,状态\n"
        "GIP_Park/1,公园几点开门,,市内公园一般 6:00 开园。,某市园林局,,draft\nfaq-b,问题二,,,ga,,draft\n",
        encoding="utf-8",
    )
    page.check("#import-partial")
    page.set_input_files("#import-file", str(bad))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-rejected")
    assert page.inner_text("#import-rejected") == "下载出错的 1 行（faqs-待改正.csv）"
    assert "某市园林局" in page.inner_text("#import-warnings")
    assert page.locator("#import-errors tr").nth(1).inner_text().split("\t") == ["3", "answer（答案）不能为空"]
    draft = gateway.get("/admin/faqs/" + quote("GIP_Park/1", safe="")).json()
    assert draft["id"] == "GIP_Park/1" and draft["pending"]["data"]["question"] == "公园几点开门"
    page.click("nav button[data-tab=stats]")
    page.wait_for_selector("#stats-summary dt:has-text('搜索索引')")
    summary = page.inner_text("#stats-summary")
    assert "提问数\n2" in summary and "回答率\n0.0%" in summary and "待处理未答问题组\n0" in summary
    assert page.inner_text("#stats-top") == "公园几点关门（2 次）"
    assert (
        httpx.get(gateway.url + "/staff/", timeout=10)
        .headers["content-security-policy"]
        .startswith("default-src 'self'")
    )


def test_a_hit_test_sheet_shows_its_counts_and_misses_and_the_review_what_gets_better(
    gateway, staff_tokens, page, tmp_path
):
    # A new FAQ under review, which one row of the sheet expects.
    editor = {"Authorization": "Bearer " + staff_tokens["editor"]}
    mars = {"id": "faq-mars-001", "question": "火星移民签证", "answer": "不属于政务服务事项。", "department": "ga"}
    assert httpx.post(gateway.url + "/admin/faqs", json=mars, headers=editor, timeout=30).status_code == 201
    sheet = tmp_path / "命中测试.csv"
    sheet.write_text(
        "问题,应命中\n"
        "补办身份证要多少钱,faq:faq-ga-001\n"  # right
        "社保查询,无\n"  # wrong: the app is answered
        "火星移民签证,faq:faq-mars-001\n",  # nothing yet: the FAQ is not published
        encoding="utf-8",
    )
    log_in(page, gateway.url, staff_tokens["editor"], "张编辑（编辑）")
    page.click("nav button[data-tab=hittests]")
    page.fill("#hittest-name", "上线前检查")
    page.set_input_files("#hittest-file", str(sheet))
    page.click("#hittest-form button[type=submit]")
    page.wait_for_selector("#hittest-counts")
    assert page.inner_text("#hittest-upload") == "已保存测试集“上线前检查”：3 条问题"
    counts = {
        o: page.inner_text(f"#hittest-counts dd[data-outcome={o}]") for o in ("right", "offered", "wrong", "nothing")
    }
    assert counts == {"right": "1", "offered": "0", "wrong": "1", "nothing": "1"}
    misses = [page.locator("#hittest-misses tr").nth(i).inner_text().split("\t") for i in (1, 2)]
    assert misses == [
        ["3", "社保查询", "无", "答错", "社保查询（app:app-sscard-query）"],
        ["4", "火星移民签证", "火星移民签证（faq:faq-mars-001）", "没答出", "（无）"],
    ]
    page.wait_for_selector("#hittest-table tr[data-id] td:has-text('答对 1，给出选项 0，答错 1，没答出 1')")
    page.screenshot(path=str(tmp_path / "hit-tests.png"), full_page=True)
    # A bad sheet: the rows and their reasons, in Chinese.
    sheet.write_text("问题,应命中\n补办身份证要多少钱,faq:不存在\n", encoding="utf-8")
    page.set_input_files("#hittest-file", str(sheet))
    page.click("#hittest-form button[type=submit]")
    page.wait_for_selector("#hittest-errors")
    assert page.locator("#hittest-errors tr").nth(1).inner_text().split("\t") == [
        "2",
        "应命中的条目 faq:不存在 不存在（线上与待审核中都没有）",
    ]

    assert httpx.post(gateway.url + "/admin/faqs/faq-mars-001/submit", headers=editor, timeout=30).status_code == 200
    page.click("#logout")
    log_in(page, gateway.url, staff_tokens["reviewer"], "李审核（审核员）")
    page.click("nav button[data-tab=reviews]")
    card = page.locator(".review[data-id='faq-mars-001']")
    card.locator(".hit-comparison").wait_for(timeout=60_000)
    comparison = card.locator(".hit-comparison [data-set='上线前检查']")
    assert comparison.locator("p").first.inner_text() == (
        "测试集“上线前检查”：答对 1，给出选项 0，答错 1，没答出 1 → 答对 2，给出选项 0，答错 1，没答出 0"
    )
    assert comparison.locator(".better tr").nth(1).inner_text().split("\t") == [
        "火星移民签证",
        "火星移民签证（faq:faq-mars-001）",
        "没答出：（无）",
        "答对：火星移民签证（faq:faq-mars-001）",
    ]
    assert comparison.locator(".worse p").inner_text() == "变差 0 条"
    page.screenshot(path=str(tmp_path / "hit-review.png"), full_page=True)


def test_a_group_becomes_similar_questions_and_the_entries_table_shows_hits(gateway, staff_tokens, page, kb):
    """Issue #15 part 4 on the page: 加为相似问法 on an unanswered group; per-entry counts and never-hit entries."""
    group = feedback.record_unanswered(kb, "补身份证得花几个钱")
    feedback.record_question(kb, "补办身份证要多少钱", answered=True, source_kind="faq", source_id="faq-ga-001")
    feedback.record_offer(kb, ["faq:faq-ga-001", "item:rs-sscard-apply"])
    log_in(page, gateway.url, staff_tokens["editor"], "张编辑（编辑）")
    page.click("nav button[data-tab=unanswered]")
    row = page.locator(f"#unanswered-table tr[data-id='{group}']")
    row.wait_for()
    row.locator("button", has_text="加为相似问法").click()
    page.wait_for_selector("#message:has-text('请先填写要补充相似问法的 FAQ 编号')")
    row.locator("input").fill("faq-ga-001")
    row.locator("button", has_text="加为相似问法").click()
    page.wait_for_selector("#message:has-text('已把这组问法加到 faq-ga-001 的相似问法')")
    pending = gateway.get("/admin/faqs/faq-ga-001").json()["pending"]
    assert "补身份证得花几个钱" in pending["data"]["similar_questions"]
    page.wait_for_function("() => document.querySelectorAll('#unanswered-table tbody tr').length === 0")

    page.click("nav button[data-tab=stats]")
    faq = page.locator("#entry-stats tr[data-id='faq:faq-ga-001']")
    faq.wait_for()
    assert [faq.locator("td").nth(n).inner_text() for n in range(2, 6)] == ["1", "0", "1", "1"]
    page.wait_for_selector("#never-hit li:has-text('一件事：新生儿出生一件事')")
    assert "共 3 条" in page.inner_text("#never-hit-title")  # the app, the 一件事 and the item never offered
