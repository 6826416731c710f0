"""The H5 page and its welcome, served by the gateway (in process): the greeting, the platform, hotline and
长辈模式 features from the loaded profile (the suite's small one, and the shipped Shanxi and Ningxia samples)."""

import httpx
import pytest
import yaml

from tests.channels.conftest import channel_index, channel_settings, channel_template  # noqa: F401  (fixtures)
from tests.conftest import ROOT


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
    # Nothing province-specific in the page itself: the platform and its hotline come with the welcome.
    assert "请开启浏览器的 JavaScript 后使用，或拨打 12345 政务服务便民热线。" in page.text
    assert 'id="stop-reading"' in page.text and "停止朗读" in page.text
    files = [page.text] + [(await client.get(f"/web/static/{name}")).text for name in ("app.js", "app.css")]
    for word in ("三晋通", "山西", "一部手机办事通", "云南", "我的宁夏", "宁夏"):
        assert not any(word in text for text in files), word


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
    # The small profile names only its platform and hotline: the rest are the profile defaults, the greeting
    # the generic sentence with the platform's name, and 长辈模式 adds nothing.
    assert body["app_name"] == "三晋通APP" and body["hotline"] == "12345" and body["hotline_name"] == "政务服务便民热线"
    assert body["elder_mode"] == {"high_contrast": False, "read_aloud": False}
    greeting, hot = body["messages"]
    assert greeting["type"] == "text" and greeting["text"].startswith("您好！我是三晋通政务服务智能客服")
    assert hot["type"] == "buttons"
    assert hot["buttons"] == [
        {"title": "补办身份证", "payload": "补办身份证"},
        {"title": "办社保卡", "payload": "办社保卡"},
    ]
    assert hot["text"] == "大家都在问：\n1. 补办身份证\n2. 办社保卡"


@pytest.fixture(scope="module")
def sample_stores(tmp_path_factory):
    """The shipped Shanxi and Ningxia profiles, each loaded into its own database (no index: the welcome
    reads only the store)."""
    from knowledge.store import KnowledgeStore
    from knowledge.sync import sync_profile

    root = tmp_path_factory.mktemp("web-profiles")
    urls = {}
    for name in ("shanxi", "ningxia"):
        store = KnowledgeStore(f"sqlite:///{root / name}.sqlite3")
        sync_profile(ROOT / "knowledge" / "sample" / name, store)
        store.engine.dispose()
        urls[name] = store.url
    return urls


def raw_profile(name: str) -> dict:
    return yaml.safe_load((ROOT / "knowledge" / "sample" / name / "profile.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "name, platform, app_name, elder",
    [
        ("shanxi", "三晋通", "三晋通APP", {"high_contrast": False, "read_aloud": False}),
        ("ningxia", "我的宁夏", "我的宁夏APP", {"high_contrast": True, "read_aloud": True}),
    ],
)
async def test_welcome_of_a_sample_profile(tmp_path, sample_stores, name, platform, app_name, elder):
    from gateway.app import create_app

    settings = channel_settings(tmp_path, tmp_path / "index", database_url=sample_stores[name])
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client:
        response = await client.get("/web/api/welcome")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["platform"] == platform and body["app_name"] == app_name
    assert body["hotline"] == "12345" and body["hotline_name"] == "政务服务便民热线"
    assert body["elder_mode"] == elder
    greeting = body["messages"][0]
    assert greeting == {"type": "text", "text": raw_profile(name)["greeting"]}
    assert greeting["text"].startswith(f"您好！我是{platform}智能客服")
    hot = body["messages"][1]
    assert hot["type"] == "buttons" and hot["buttons"] and hot["text"].startswith("大家都在问：")
    other = {"shanxi": "宁夏", "ningxia": "三晋通"}[name]
    assert other not in response.text


def test_the_profile_is_read_from_the_store_once_in_a_while(monkeypatch, mini_store):
    from gateway.channels import welcome, wording

    reads = []
    real = mini_store.get_meta
    monkeypatch.setattr(mini_store, "get_meta", lambda key: reads.append(key) or real(key))
    monkeypatch.setattr(wording, "_profiles", {})
    for _ in range(3):
        assert welcome.platform_name(mini_store) == "三晋通"
        assert welcome.page_profile(mini_store)["hotline"] == "12345"
    assert reads == ["profile"]
    for key, (_, value) in list(wording._profiles.items()):  # as PROFILE_SECONDS later
        wording._profiles[key] = (0.0, value)
    assert welcome.greeting(mini_store).startswith("您好！我是三晋通政务服务智能客服")
    assert reads == ["profile", "profile"]


@pytest.mark.parametrize("stored", [None, "not json", "[1, 2]", '{"elder_mode": "yes"}'])
def test_without_a_readable_profile_the_welcome_is_generic(monkeypatch, mini_store, stored):
    from gateway.channels import welcome, wording

    monkeypatch.setattr(mini_store, "get_meta", lambda key: stored)
    monkeypatch.setattr(wording, "_profiles", {})
    assert welcome.greeting(mini_store).startswith("您好！我是政务服务智能客服")
    assert welcome.page_profile(mini_store) == {
        "platform": "",
        "app_name": "",
        "hotline": "12345",
        "hotline_name": "政务服务便民热线",
        "elder_mode": {"high_contrast": False, "read_aloud": False},
    }
