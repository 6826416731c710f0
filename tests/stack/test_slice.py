"""The vertical slice through real processes: gateway → Rasa (jieba) → action server → Whoosh index."""

import time
import uuid

import httpx
import pytest

pytestmark = pytest.mark.stack


def sender() -> str:
    return "t-" + uuid.uuid4().hex[:10]


def test_health_names_every_part(stack):
    response = httpx.get(stack.gateway + "/healthz", timeout=10)
    assert response.status_code == 200
    assert response.json()["parts"] == {
        "rasa": "ok",
        "action_server": "ok",
        "knowledge_store": "ok",
        "search_index": "ok",
    }


def test_lost_id_card_gets_the_reissue_guide_with_its_source(stack):
    response = stack.chat(sender(), "身份证丢了怎么补办", region="太原市")
    assert response.status_code == 200
    body = response.json()
    assert body["intent"]["name"] == "ask_question" and body["intent"]["confidence"] > 0.5
    assert body["sources"][0]["type"] == "item" and body["sources"][0]["id"] == "ga-idcard-reissue"
    card = body["messages"][0]
    assert card["type"] == "guide_card" and "居民身份证补领" in card["text"]
    assert "所需材料" in card["text"] and "太原市" in card["text"] and "信息更新于" in card["text"]


def test_greeting_is_answered_from_the_domain_without_sources(stack):
    body = stack.chat(sender(), "你好").json()
    assert body["intent"]["name"] == "greet"
    assert body["messages"][0]["type"] == "text" and "三晋通智能客服" in body["messages"][0]["text"]
    assert body["sources"] == []


def test_typed_slash_command_is_not_an_intent_command(stack):
    body = stack.chat(sender(), "/goodbye").json()
    assert not (body["intent"]["name"] == "goodbye" and body["intent"]["confidence"] == 1.0)


def test_bad_input_through_real_http_is_a_chinese_4xx(stack):
    response = httpx.post(stack.gateway + "/api/chat", json={"sender_id": "x"}, timeout=10)
    assert response.status_code == 422 and "text（消息内容）" in response.json()["detail"]


def test_search_api_over_real_http(stack):
    body = httpx.get(stack.gateway + "/api/search", params={"q": "社保卡", "limit": 3}, timeout=10).json()
    assert body["total"] >= 1 and len(body["results"]) <= 3
    assert body["results"][0]["id"].startswith("rs-sscard")


def test_reference_application_api_runs_beside_the_bot(stack):
    assert httpx.get(stack.application_api + "/healthz", timeout=5).status_code == 200


def test_redis_stores_the_conversation(redis_stack, redis_client):
    user = sender()
    started = time.monotonic()
    assert redis_stack.chat(user, "社保卡怎么办").json()["sources"][0]["id"].startswith("rs-sscard")
    assert time.monotonic() - started < 30
    keys = [k.decode() for k in redis_client.keys("*")]
    assert any(user in key for key in keys), keys
    ttl = redis_client.ttl(next(k for k in keys if user in k))
    assert 0 < ttl <= 7 * 24 * 3600
    health = httpx.get(redis_stack.gateway + "/healthz", timeout=10).json()
    assert health["parts"]["redis"] == "ok"  # named only when REDIS_URL is set
