"""GET /api/search and /api/search/suggest through the gateway app (contract shape, filters, facets,
suggestion, Chinese 4xx), and a staff publish becoming searchable through the gateway's own index sync."""

import pytest
from fastapi.testclient import TestClient

import search.ranking as ranking_module
from devtools.support.ports import unused_url
from devtools.support.waiting import wait_until
from gateway.app import create_app
from settings import Settings

CONTRACT_KEYS = {"query", "total", "results", "suggestion"}
RESULT_KEYS = {"type", "id", "title", "snippet", "score"}


@pytest.fixture
def client(tmp_path, mini_store, mini_index):
    settings = Settings(
        data_dir=tmp_path,
        database_url=mini_store.url,
        search_index_dir=mini_index,
        rasa_url=unused_url(),
        action_server_url=unused_url(),
        application_api_url=unused_url(),
        index_sync_interval_seconds=0.2,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_search_follows_the_contract(client):
    response = client.get("/api/search", params={"q": "身份证丢了怎么补办", "limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert CONTRACT_KEYS <= set(body) and set(body) - CONTRACT_KEYS == {"facets"}
    assert body["query"] == "身份证丢了怎么补办" and body["suggestion"] is None
    assert [r["id"] for r in body["results"]] == ["ga-idcard-reissue", "faq-ga-001"]
    assert body["total"] == 2  # 社会保障卡申领 mentions 居民身份证 among its materials: below the relevance floor
    first = body["results"][0]
    assert RESULT_KEYS <= set(first) and first["type"] == "item" and first["title"] == "居民身份证补领"
    assert isinstance(first["score"], float) and first["score"] > body["results"][1]["score"]
    assert "<em>" in first["highlight"] and "<em>" not in first["snippet"]


def test_facets_and_filters(client, monkeypatch):
    monkeypatch.setattr(ranking_module, "RELEVANCE_FLOOR", 0.0)  # count every document sharing a word
    body = client.get("/api/search", params={"q": "身份证", "type": "faq"}).json()
    assert [r["id"] for r in body["results"]] == ["faq-ga-001"] and body["total"] == 1
    assert body["facets"]["type"] == [
        {"value": "item", "label": "办事指南", "count": 2},
        {"value": "faq", "label": "常见问题", "count": 1},
    ]
    body = client.get("/api/search", params={"q": "身份证", "online": "true"}).json()
    assert [r["id"] for r in body["results"]] == ["ga-idcard-reissue", "rs-sscard-apply"]
    assert body["facets"]["online"] == [
        {"value": "true", "label": "掌上可办", "count": 2},
        {"value": "false", "label": "需到窗口办理", "count": 1},
    ]
    by_name = client.get("/api/search", params={"q": "身份证", "department": "山西省人力资源和社会保障厅"}).json()
    by_id = client.get("/api/search", params={"q": "身份证", "department": "rs"}).json()
    assert [r["id"] for r in by_name["results"]] == [r["id"] for r in by_id["results"]] == ["rs-sscard-apply"]
    body = client.get("/api/search", params={"q": "身份证", "region": "小店区"}).json()
    assert body["total"] == 3


def test_did_you_mean(client):
    body = client.get("/api/search", params={"q": "shebaoka"}).json()
    assert body["suggestion"] == "社保卡" and body["results"][0]["id"] == "rs-sscard-apply"


def test_a_question_as_long_as_an_faq_question_can_be_searched(client):
    """500 characters, like the longest FAQ question an import takes (a pasted 12345 message is that long)."""
    story = "领导您好，我是外地来的务工人员，在这边打工已经好几年了，" * 20
    q = (story + "请问身份证丢了怎么补办")[-500:]
    assert len(q) == 500
    body = client.get("/api/search", params={"q": q}).json()
    assert "ga-idcard-reissue" in [r["id"] for r in body["results"][:3]], body


@pytest.mark.parametrize(
    "params, status, detail",
    [
        ({"q": "   "}, 422, "请求参数有误：q（搜索词）不能为空"),
        ({}, 422, "缺少必填字段 q（搜索词）"),
        ({"q": "办" * 501}, 422, "q（搜索词）过长，最多 500 个字符"),
        ({"q": "身份证", "type": "nothing"}, 422, "请求参数有误：type（类型）只能是 item、faq、package 或 app"),
        ({"q": "身份证", "region": "火星市"}, 422, "请求参数有误：region（地区）不是本省的市或县区：火星市"),
        ({"q": "身份证", "department": "不存在的局"}, 422, "请求参数有误：department（部门）不存在：不存在的局"),
        ({"q": "身份证", "online": "maybe"}, 422, "请求参数有误：online（掌上可办）应为 true 或 false"),
        ({"q": "身份证", "limit": "0"}, 422, "limit（条数）"),
        ({"q": "身份证", "limit": "51"}, 422, "limit（条数）"),
        ({"q": "身份证", "limit": "many"}, 422, "limit（条数）应为整数"),
    ],
)
def test_bad_input_gets_chinese_4xx(client, params, status, detail):
    response = client.get("/api/search", params=params)
    assert response.status_code == status
    assert detail in response.json()["detail"]


def test_autocomplete_endpoint(client):
    body = client.get("/api/search/suggest", params={"q": "shbzk"}).json()
    assert body == {"query": "shbzk", "suggestions": ["社会保障卡申领"]}
    assert client.get("/api/search/suggest", params={"q": "补办身份", "limit": 1}).json()["suggestions"] == [
        "补办身份证要多少钱"
    ]
    response = client.get("/api/search/suggest", params={"q": ""})
    assert response.status_code == 422 and "q（搜索词）不能为空" in response.json()["detail"]


def test_published_entry_is_searchable_within_five_seconds_without_restart(client, mini_store):
    assert client.get("/api/search", params={"q": "签注"}).json()["total"] == 0
    mini_store.upsert(
        "faq",
        {
            "id": "faq-permit-visa",
            "question": "居住证签注在哪里办",
            "answer": "到社区警务室办理。",
            "department": "ga",
            "status": "published",
        },
    )

    def results():
        return client.get("/api/search", params={"q": "签注"}).json()["results"]

    found = wait_until(results, 5.0, "searchable", interval=0.1)
    assert [r["id"] for r in found] == ["faq-permit-visa"]
    mini_store.upsert(
        "faq",
        {
            "id": "faq-permit-visa",
            "question": "居住证签注在哪里办",
            "answer": "到社区警务室办理。",
            "department": "ga",
            "status": "draft",
        },
    )
    wait_until(lambda: results() == [], 5.0, "withdrawn from search", interval=0.1)
