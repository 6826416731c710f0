"""The H5 page and its welcome, served by the gateway (in process)."""

import httpx
import pytest

from tests.channels.conftest import channel_index, channel_settings, channel_template  # noqa: F401  (fixtures)


@pytest.fixture
async def client(tmp_path, channel_index):  # noqa: F811
    from gateway.app import create_app

    app = create_app(channel_settings(tmp_path, channel_index))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client:
        yield client


async def test_page_is_served_with_strict_headers(client):
    root = await client.get("/")
    assert root.status_code == 307 and root.headers["location"] == "/web/"
    page = await client.get("/web/")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert "长辈模式" in page.text and '<html lang="zh-CN">' in page.text and 'name="viewport"' in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"


async def test_only_the_pages_own_files_are_served(client):
    js = await client.get("/web/static/app.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert ".innerHTML" not in js.text  # replies are put in with textContent only
    css = await client.get("/web/static/app.css")
    assert "line-height: 1.8" in css.text  # 长辈模式 line spacing (≥ 1.3)
    for name in ("index.html", "..%2Froutes.py", "secret.txt"):
        missing = await client.get(f"/web/static/{name}")
        assert missing.status_code == 404


async def test_welcome_comes_from_the_knowledge_base(client):
    body = (await client.get("/web/api/welcome")).json()
    assert body["platform"] == "三晋通"
    greeting, hot = body["messages"]
    assert greeting["type"] == "text" and greeting["text"].startswith("您好！我是三晋通政务服务智能客服")
    assert hot["type"] == "buttons"
    assert hot["buttons"] == [
        {"title": "补办身份证", "payload": "补办身份证"},
        {"title": "办社保卡", "payload": "办社保卡"},
    ]
    assert hot["text"] == "大家都在问：\n1. 补办身份证\n2. 办社保卡"
