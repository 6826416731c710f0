"""Fault modes (/_control), the received-request log and /healthz."""

from __future__ import annotations

import time

from tests.devtools.reference_platform.users import as_user


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_fail_status_answers_every_non_control_request(client, auth, ref):
    configured = client.post("/_control", json={"delay_seconds": 0.0, "fail_status": 503})
    assert configured.status_code == 200
    assert configured.json() == {"delay_seconds": 0.0, "fail_status": 503, "fail_times": None}
    for method, path, kwargs in (
        ("POST", "/appointments", {"json": ref.appointment(), "headers": auth}),
        ("POST", "/applications", {"json": ref.application(), "headers": auth}),
        ("GET", "/auth/me", {"headers": auth}),
        ("GET", "/workorders", {"params": {"user_id": "test-user"}}),
        ("POST", "/auth/token", {"json": {"user_id": "x"}}),
    ):
        response = client.request(method, path, **kwargs)
        assert response.status_code == 503, path
        assert response.json() == {"detail": "服务暂不可用"}
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/_control").json()["fail_status"] == 503
    assert client.post("/_control/reset").json() == {"delay_seconds": 0.0, "fail_status": None, "fail_times": None}
    # Nothing was processed while failing.
    assert client.get("/appointments", headers=as_user(client, "test-user")).json() == {"items": []}
    assert client.get("/applications", headers=as_user(client, "test-user")).json() == {"items": []}


def test_other_fail_statuses_have_chinese_details(client):
    headers = as_user(client, "u")  # before the fault mode, which fails /auth/token too
    for status, detail in (
        (500, "服务内部错误，请稍后再试"),
        (504, "服务响应超时，请稍后再试"),
        (429, "请求过于频繁，请稍后再试"),
    ):
        client.post("/_control", json={"fail_status": status})
        response = client.get("/appointments", headers=headers)
        assert response.status_code == status
        assert response.json() == {"detail": detail}


def test_fail_times_fails_only_the_next_requests(client, auth, ref):
    client.post("/_control", json={"fail_status": 503, "fail_times": 2})
    statuses = [client.post("/workorders", json=ref.workorder(), headers=auth).status_code for _ in range(3)]
    assert statuses == [503, 503, 201]
    assert client.get("/_control").json() == {"delay_seconds": 0.0, "fail_status": None, "fail_times": None}


def test_delay_applies_to_requests_but_not_to_control_or_health(client):
    headers = as_user(client, "u")
    client.post("/_control", json={"delay_seconds": 0.4, "fail_status": None})
    started = time.monotonic()
    assert client.get("/workorders", headers=headers).status_code == 200
    delayed = time.monotonic() - started
    started = time.monotonic()
    client.get("/healthz")
    client.get("/_control/received")
    undelayed = time.monotonic() - started
    assert delayed >= 0.4
    assert undelayed < 0.3
    client.post("/_control/reset")
    started = time.monotonic()
    client.get("/workorders", headers=headers)
    assert time.monotonic() - started < 0.3


def test_delay_then_fail(client):
    headers = as_user(client, "u")
    client.post("/_control", json={"delay_seconds": 0.2, "fail_status": 502})
    started = time.monotonic()
    response = client.get("/workorders", headers=headers)
    assert response.status_code == 502
    assert response.json() == {"detail": "上游服务异常，请稍后再试"}
    assert time.monotonic() - started >= 0.2


def test_received_lists_every_create_request(client, auth, ref):
    client.post("/workorders", json=ref.workorder(), headers={**auth, "Idempotency-Key": "w-1"})
    client.post("/_control", json={"fail_status": 503})
    client.post("/applications", json=ref.application(), headers=auth)
    client.post("/_control/reset")
    client.post("/evaluations", json={"target_type": "conversation", "target_id": "c"}, headers=auth)  # 422
    client.post("/appointments", content=b"{oops", headers={**auth, "Content-Type": "application/json"})
    client.get("/workorders", headers=as_user(client, "test-user"))  # reads are not recorded
    received = client.get("/_control/received").json()["items"]
    assert [(r["seq"], r["method"], r["path"], r["idempotency_key"], r["body"], r["status"]) for r in received] == [
        (1, "POST", "/workorders", "w-1", ref.workorder(), 201),
        (2, "POST", "/applications", None, ref.application(), 503),
        (3, "POST", "/evaluations", None, {"target_type": "conversation", "target_id": "c"}, 422),
        (4, "POST", "/appointments", None, "{oops", 422),
    ]
    assert received[0]["received_at"] == "2026-11-23T10:30:00.000+08:00"
    # Reset leaves the log alone; DELETE empties it.
    assert client.delete("/_control/received").json() == {"cleared": 4}
    assert client.get("/_control/received").json() == {"items": []}


def test_control_validation_is_chinese(client):
    too_slow = client.post("/_control", json={"delay_seconds": -1})
    assert too_slow.status_code == 422
    assert too_slow.json()["detail"] == "请求参数有误：delay_seconds 不能小于 0"
    bad_status = client.post("/_control", json={"fail_status": 200})
    assert bad_status.status_code == 422
    assert bad_status.json()["detail"] == "请求参数有误：fail_status 不能小于 400"
    assert client.get("/_control").json() == {"delay_seconds": 0.0, "fail_status": None, "fail_times": None}
