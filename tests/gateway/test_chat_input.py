"""Bad input to /api/chat and /api/search: clear Chinese 4xx, never 5xx. Rasa is not running here (its
address, the action server's and the platform's are free ports nothing listens on — never the defaults,
where a `make run` stack may be up), so a valid chat gets the 503 that tells the citizen to retry or call 12345."""

import pytest
from fastapi.testclient import TestClient

from devtools.support.ports import unused_url
from gateway.app import create_app
from settings import Settings


@pytest.fixture
def client(tmp_path, mini_index):
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'kb.sqlite3'}",
        search_index_dir=mini_index,
        rasa_url=unused_url(),
        action_server_url=unused_url(),
        application_api_url=unused_url(),
        chat_max_chars=50,
        rasa_timeout_seconds=2,
    )
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"text": "你好"}, "缺少必填字段 sender_id（用户标识）"),
        ({"sender_id": "u1"}, "缺少必填字段 text（消息内容）"),
        ({"sender_id": "u1", "text": 5}, "text（消息内容）应为字符串"),
        ({"sender_id": 7, "text": "你好"}, "sender_id（用户标识）应为字符串"),
        ({"sender_id": "u1", "text": "   "}, "text（消息内容）不能为空"),
        ({"sender_id": "u1", "text": "你好", "elder_mode": "yes"}, "elder_mode（长辈模式）应为 true 或 false"),
        ([1, 2], "请求体应为 JSON 对象"),
    ],
)
def test_bad_chat_bodies_get_chinese_422(client, body, expected):
    response = client.post("/api/chat", json=body)
    assert response.status_code == 422
    assert expected in response.json()["detail"]


def test_invalid_json_and_oversized_bodies(client):
    response = client.post("/api/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and "不是合法的 JSON" in response.json()["detail"]
    response = client.post("/api/chat", content=b"x" * (65 * 1024), headers={"content-type": "application/json"})
    assert response.status_code == 413 and "请求体过大" in response.json()["detail"]


def test_overlong_text_is_refused(client):
    response = client.post("/api/chat", json={"sender_id": "u1", "text": "办" * 51})
    assert response.status_code == 422
    assert response.json()["detail"] == "消息过长，最多 50 个字，请分几次发送"


def test_rasa_down_gives_clear_503(client):
    response = client.post("/api/chat", json={"sender_id": "u1", "text": "你好"})
    assert response.status_code == 503
    assert "12345" in response.json()["detail"]


def test_search_answers_and_validates(client):
    body = client.get("/api/search", params={"q": "身份证丢了"}).json()
    assert body["query"] == "身份证丢了" and body["results"][0]["id"] == "ga-idcard-reissue"
    assert body["total"] >= len(body["results"]) and body["suggestion"] is None
    bad = client.get("/api/search", params={"q": "身份证", "type": "nothing"})
    assert bad.status_code == 422 and "type（类型）" in bad.json()["detail"]
    assert client.get("/api/search").status_code == 422
    assert client.get("/api/search", params={"q": "x", "limit": "many"}).status_code == 422


def test_health_names_each_part_and_fails_without_rasa(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    parts = response.json()["parts"]
    assert parts["knowledge_store"] == "ok" and parts["search_index"] == "ok"
    assert parts["rasa"].startswith("无法连接") and parts["action_server"].startswith("无法连接")


def test_unknown_route_is_chinese_404(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404 and response.json()["detail"] == "接口不存在"


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer  ", "token-only", "Bearer a b"])
def test_malformed_identity_header_is_a_chinese_401(client, header):
    response = client.post("/api/chat", json={"sender_id": "u1", "text": "你好"}, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"] == "身份令牌格式不正确，应为 Authorization: Bearer <令牌>"
