"""Idempotency-Key on every create (and on cancelling an appointment)."""

from __future__ import annotations

from tests.devtools.reference_platform.users import as_user

MISMATCH = "幂等键已用于其他请求"


def _count(client, path, user_id="test-user"):
    return len(client.get(path, headers=as_user(client, user_id)).json()["items"])


def test_repeat_with_same_key_returns_first_response_and_creates_nothing(client, auth, ref):
    cases = [
        ("/appointments", ref.appointment()),
        ("/applications", ref.application()),
        ("/workorders", ref.workorder()),
        ("/evaluations", {"target_type": "conversation", "target_id": "conv-1", "rating": 5}),
    ]
    for path, body in cases:
        headers = {**auth, "Idempotency-Key": f"key-{path}"}
        first = client.post(path, json=body, headers=headers)
        second = client.post(path, json=body, headers=headers)
        assert first.status_code == 201, path
        assert second.status_code == 201, path
        assert second.json() == first.json()
        assert "idempotent-replayed" not in first.headers
        assert second.headers["idempotent-replayed"] == "true"
        assert _count(client, path) == 1, path
    received = client.get("/_control/received").json()["items"]
    assert [(r["path"], r["idempotency_key"], r["status"]) for r in received] == [
        (path, f"key-{path}", 201) for path, _ in cases for _ in range(2)
    ]


def test_replay_is_exact_even_after_state_changed(client, auth, ref, clock):
    headers = {**auth, "Idempotency-Key": "k1"}
    first = client.post("/applications", json=ref.application(), headers=headers)
    clock.advance(hours=1)
    client.post("/_control/applications/SX2026112300001/advance")
    replay = client.post("/applications", json=ref.application(), headers=headers)
    assert replay.json() == first.json()
    assert replay.json()["status"] == "待补充"
    assert client.get("/applications/SX2026112300001", headers=as_user(client)).json()["status"] == "已受理"


def test_same_key_with_a_different_body_is_422(client, auth, ref):
    headers = {**auth, "Idempotency-Key": "k1"}
    assert client.post("/workorders", json=ref.workorder(), headers=headers).status_code == 201
    changed = client.post("/workorders", json=ref.workorder(content="另一件事"), headers=headers)
    assert changed.status_code == 422
    assert changed.json() == {"detail": MISMATCH}
    other_endpoint = client.post("/applications", json=ref.application(), headers=headers)
    assert other_endpoint.status_code == 422
    assert other_endpoint.json() == {"detail": MISMATCH}
    assert _count(client, "/workorders") == 1
    assert _count(client, "/applications") == 0


def test_equivalent_json_is_the_same_request(client, auth, ref):
    headers = {**auth, "Idempotency-Key": "k1", "Content-Type": "application/json"}
    first = client.post("/workorders", content='{"kind":"suggestion","content":"多设座椅"}'.encode(), headers=headers)
    second = client.post(
        "/workorders", content='{ "content" : "多设座椅",  "kind" : "suggestion" }'.encode(), headers=headers
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert _count(client, "/workorders") == 1


def test_keys_are_scoped_per_user(client, login, ref):
    first = client.post("/workorders", json=ref.workorder(), headers={**login("a"), "Idempotency-Key": "shared"})
    second = client.post("/workorders", json=ref.workorder(), headers={**login("b"), "Idempotency-Key": "shared"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["workorder_no"] == "GD2026112300001"
    assert second.json()["workorder_no"] == "GD2026112300002"
    assert second.json()["user_id"] == "b"


def test_a_new_token_of_the_same_user_still_replays(client, login, ref):
    first = client.post("/applications", json=ref.application(), headers={**login(), "Idempotency-Key": "k"})
    second = client.post("/applications", json=ref.application(), headers={**login(), "Idempotency-Key": "k"})
    assert second.json() == first.json()
    assert _count(client, "/applications") == 1


def test_without_a_key_every_request_creates(client, auth, ref):
    client.post("/workorders", json=ref.workorder(), headers=auth)
    client.post("/workorders", json=ref.workorder(), headers=auth)
    assert _count(client, "/workorders") == 2


def test_business_error_is_replayed_too(client, login, ref):
    client.post("/appointments", json=ref.appointment(), headers=login("u1"))
    client.post("/appointments", json=ref.appointment(), headers=login("u2"))
    headers = {**login("u3"), "Idempotency-Key": "k"}
    first = client.post("/appointments", json=ref.appointment(), headers=headers)
    assert first.status_code == 409
    # Capacity frees up, but the same key still answers what it answered first.
    client.delete("/appointments/YY2026112300001", headers=login("u1"))
    replay = client.post("/appointments", json=ref.appointment(), headers=headers)
    assert replay.status_code == 409
    assert replay.json() == {"detail": "该时段已约满，请选择其他时段"}
    fresh = client.post("/appointments", json=ref.appointment(), headers={**headers, "Idempotency-Key": "k2"})
    assert fresh.status_code == 201


def test_rejections_before_the_handler_are_not_remembered(client, auth, ref):
    headers = {**auth, "Idempotency-Key": "k"}
    invalid = client.post("/workorders", json=ref.workorder(kind="praise"), headers=headers)
    assert invalid.status_code == 422
    unauthenticated = client.post("/workorders", json=ref.workorder(content="x"), headers={"Idempotency-Key": "k"})
    assert unauthenticated.status_code == 401
    client.post("/_control", json={"delay_seconds": 0, "fail_status": 503})
    assert client.post("/workorders", json=ref.workorder(content="y"), headers=headers).status_code == 503
    client.post("/_control/reset")
    ok = client.post("/workorders", json=ref.workorder(), headers=headers)
    assert ok.status_code == 201
    assert client.post("/workorders", json=ref.workorder(), headers=headers).json() == ok.json()
    assert _count(client, "/workorders") == 1


def test_cancel_with_a_key_is_replayed(client, auth, ref):
    appointment_id = client.post("/appointments", json=ref.appointment(), headers=auth).json()["appointment_id"]
    headers = {**auth, "Idempotency-Key": "cancel-1"}
    first = client.delete(f"/appointments/{appointment_id}", headers=headers)
    second = client.delete(f"/appointments/{appointment_id}", headers=headers)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    without_key = client.delete(f"/appointments/{appointment_id}", headers=auth)
    assert without_key.status_code == 409


def test_overlong_key_is_422_in_chinese(client, auth, ref):
    response = client.post("/workorders", json=ref.workorder(), headers={**auth, "Idempotency-Key": "k" * 129})
    assert response.status_code == 422
    assert response.json()["detail"] == "请求参数有误：Idempotency-Key 过长，最多 128 个字符"
    assert _count(client, "/workorders") == 0
