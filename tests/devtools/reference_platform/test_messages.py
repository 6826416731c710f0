"""The platform's message push (POST /messages, 站内信/短信) and its listing by phone."""

from __future__ import annotations

import pytest

MISMATCH = "幂等键已用于其他请求"


def message_body(**overrides):
    body = {
        "phone": "13812345678",
        "sender_id": "web-citizen-1",
        "title": "留言答复",
        "text": "您的留言（编号 7）有了答复：\n请携带身份证原件到户籍窗口办理。",
    }
    body.update(overrides)
    return body


def listed(client, phone="13812345678"):
    response = client.get("/messages", params={"phone": phone})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_a_push_needs_no_token_and_is_listed_by_its_phone(client):
    response = client.post("/messages", json=message_body())
    assert response.status_code == 201, response.text
    expected = {
        "message_id": "XX2026112300001",
        "phone": "13812345678",
        "sender_id": "web-citizen-1",
        "title": "留言答复",
        "text": "您的留言（编号 7）有了答复：\n请携带身份证原件到户籍窗口办理。",
        "status": "已发送",
        "created_at": "2026-11-23T10:30:00+08:00",
    }
    assert response.json() == expected
    landline = client.post("/messages", json=message_body(phone="0351-1234567", sender_id=None, text="另一条"))
    assert landline.status_code == 201 and landline.json()["message_id"] == "XX2026112300002"
    assert landline.json()["sender_id"] is None
    assert listed(client) == [expected]
    assert [m["text"] for m in listed(client, "0351-1234567")] == ["另一条"]
    assert listed(client, "13900000000") == []


def test_the_same_idempotency_key_pushes_once(client, clock):
    headers = {"Idempotency-Key": "live-message-42"}
    first = client.post("/messages", json=message_body(), headers=headers)
    clock.advance(minutes=5)
    again = client.post("/messages", json=message_body(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert "idempotent-replayed" not in first.headers and again.headers["idempotent-replayed"] == "true"
    assert len(listed(client)) == 1
    other = client.post("/messages", json=message_body(text="改过的答复"), headers=headers)
    assert other.status_code == 422 and other.json() == {"detail": MISMATCH}
    fresh = client.post("/messages", json=message_body(), headers={"Idempotency-Key": "live-message-43"})
    assert fresh.status_code == 201 and fresh.json()["message_id"] == "XX2026112300002"
    assert len(listed(client)) == 2
    received = client.get("/_control/received").json()["items"]
    assert [(r["path"], r["idempotency_key"], r["status"]) for r in received] == [
        ("/messages", "live-message-42", 201),
        ("/messages", "live-message-42", 201),
        ("/messages", "live-message-42", 422),
        ("/messages", "live-message-43", 201),
    ]


def test_a_push_key_is_not_shared_with_a_citizen_s_creates(client, auth, ref):
    """The push's keys are the calling service's: a citizen's work order with the same key is its own."""
    headers = {"Idempotency-Key": "shared-key"}
    assert client.post("/messages", json=message_body(), headers=headers).status_code == 201
    order = client.post("/workorders", json=ref.workorder(), headers={**auth, **headers})
    assert order.status_code == 201 and order.json()["workorder_no"] == "GD2026112300001"


@pytest.mark.parametrize(
    "changes, detail",
    [
        ({"phone": "12345"}, "请求参数有误：phone 应为手机号（11 位）或座机号（如 0351-1234567）"),
        ({"phone": "1381234567x"}, "请求参数有误：phone 应为手机号（11 位）或座机号（如 0351-1234567）"),
        ({"phone": None}, "请求参数有误：phone 不能为 null"),
        ({"title": "  "}, "请求参数有误：title 不能为空"),
        ({"title": "题" * 65}, "请求参数有误：title 过长，最多 64 个字符"),
        ({"text": ""}, "请求参数有误：text 不能为空"),
        ({"text": "字" * 2001}, "请求参数有误：text 过长，最多 2000 个字符"),
        ({"text": ["不是", "字符串"]}, "请求参数有误：text 应为字符串"),
        ({"sender_id": "x" * 161}, "请求参数有误：sender_id 过长，最多 160 个字符"),
    ],
)
def test_bad_pushes_are_chinese_422s_and_push_nothing(client, changes, detail):
    response = client.post("/messages", json=message_body(**changes))
    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert listed(client) == []


@pytest.mark.parametrize("missing", ["phone", "title", "text"])
def test_required_fields(client, missing):
    body = message_body()
    del body[missing]
    response = client.post("/messages", json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == f"请求参数有误：缺少必填字段 {missing}"


def test_the_listing_needs_a_well_formed_phone(client):
    missing = client.get("/messages")
    assert missing.status_code == 422 and missing.json()["detail"] == "请求参数有误：缺少必填字段 phone"
    bad = client.get("/messages", params={"phone": "not-a-phone"})
    assert bad.status_code == 422
    assert bad.json() == {"detail": "请求参数有误：phone 应为手机号（11 位）或座机号（如 0351-1234567）"}


def test_fault_mode_refuses_the_push_and_nothing_is_recorded(client):
    assert client.post("/_control", json={"fail_status": 503, "fail_times": 1}).status_code == 200
    refused = client.post("/messages", json=message_body(), headers={"Idempotency-Key": "k"})
    assert refused.status_code == 503
    assert listed(client) == []
    retried = client.post("/messages", json=message_body(), headers={"Idempotency-Key": "k"})
    assert retried.status_code == 201 and "idempotent-replayed" not in retried.headers
    assert len(listed(client)) == 1


def test_started_with_a_service_token_a_push_must_carry_it(db_path, clock):
    from fastapi.testclient import TestClient

    from devtools.reference_platform.app import create_app

    with TestClient(create_app(db_path, clock=clock, service_token="svc-token-1")) as client:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Bearer "}):
            refused = client.post("/messages", json=message_body(), headers=headers)
            assert refused.status_code == 401, headers
            assert refused.json()["detail"].startswith("服务令牌缺失或无效")
        assert listed(client) == []  # nothing was pushed
        ok = client.post("/messages", json=message_body(), headers={"Authorization": "Bearer svc-token-1"})
        assert ok.status_code == 201 and ok.json()["message_id"] == "XX2026112300001"
        assert [m["text"] for m in listed(client)] == [message_body()["text"]]
