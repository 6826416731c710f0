"""Bad input never yields a 500: Chinese 422s, 413 for big bodies, Chinese 404/405, OpenAPI docs."""

from __future__ import annotations

import json
import random
import re

import pytest
from fastapi.testclient import TestClient

from tests.devtools.reference_platform.users import as_user

CJK = re.compile(r"[\u4e00-\u9fff]")
CREATE_PATHS = ("/appointments", "/applications", "/workorders", "/evaluations", "/messages")


def test_body_over_64_kb_is_413(client, auth, ref):
    body = ref.workorder(content="x" * (64 * 1024))
    response = client.post("/workorders", json=body, headers=auth)
    assert response.status_code == 413
    assert response.json() == {"detail": "请求体过大，不能超过 64 KB"}
    assert client.get("/workorders", headers=as_user(client, "test-user")).json() == {"items": []}


def test_chunked_body_over_64_kb_is_413(client, auth):
    def chunks():
        for _ in range(70):
            yield b"a" * 1024

    response = client.post("/applications", content=chunks(), headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"detail": "请求体过大，不能超过 64 KB"}


def test_body_of_exactly_64_kb_is_accepted_by_the_size_check(client, auth):
    skeleton = json.dumps({"kind": "suggestion", "content": "建议", "location": ""}).encode()
    padded = skeleton[:-1] + b" " * (64 * 1024 - len(skeleton)) + b"}"
    assert len(padded) == 64 * 1024
    response = client.post("/workorders", content=padded, headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 201


def test_malformed_bodies_are_chinese_422s(client, auth):
    headers = {**auth, "Content-Type": "application/json"}
    cases = [
        (b"{not json", "请求参数有误：请求体不是合法的 JSON"),
        (b"[1, 2]", "请求参数有误：请求体应为 JSON 对象"),
        (b"\xff\xfe\x00", "请求参数有误：请求体不是合法的 JSON"),
        (b"", "请求参数有误：缺少请求体：应为 JSON 对象（Content-Type: application/json）"),
        (b"null", "请求参数有误：缺少请求体：应为 JSON 对象（Content-Type: application/json）"),
    ]
    for raw, detail in cases:
        response = client.post("/workorders", content=raw, headers=headers)
        assert response.status_code == 422, raw
        assert response.json()["detail"] == detail


def test_unknown_route_and_method_are_chinese(client):
    missing = client.get("/no-such-thing")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "请求的资源不存在"}
    wrong_method = client.put("/workorders")
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {"detail": "不支持该请求方法"}


NASTY_VALUES = [
    None,
    True,
    0,
    -1,
    10**30,
    1.5,
    float("1e308"),
    "",
    " ",
    "\x00",
    "字" * 5000,
    [],
    {},
    [None],
    {"a": {"b": []}},
]


def test_nasty_field_values_never_give_a_500(app, ref):
    with TestClient(app, raise_server_exceptions=False) as client:
        token = client.post("/auth/token", json={"user_id": "fuzz"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        bases = {
            "/appointments": ref.appointment(),
            "/applications": ref.application(),
            "/workorders": ref.workorder(),
            "/evaluations": {"target_type": "conversation", "target_id": "c", "rating": 5, "comment": "好"},
            "/messages": {"phone": "13812345678", "sender_id": "s", "title": "留言答复", "text": "答复"},
        }
        for path, base in bases.items():
            for field in base:
                for value in NASTY_VALUES:
                    response = client.post(path, json={**base, field: value}, headers=headers)
                    assert response.status_code < 500, (path, field, value, response.text)
                    if response.status_code >= 400:
                        assert CJK.search(response.json()["detail"]), (path, field, value)
        for params in ({"user_id": "\x00"}, {"user_id": "u" * 100}, {"user_id": ""}):
            for path in CREATE_PATHS:
                assert client.get(path, params=params).status_code < 500
        for date in ("0000-01-01", "9999-12-31", "2026-13-01", "x"):
            response = client.get("/appointments/slots", params={"item_id": "i", "place": "p", "date": date})
            assert response.status_code < 500, date


def _random_json(rng: random.Random, depth: int = 0):
    kinds = ["null", "bool", "int", "float", "str"] + (["list", "dict"] if depth < 3 else [])
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.choice([0, 1, 5, -1, 2**63, rng.randint(-(10**12), 10**12)])
    if kind == "float":
        return rng.choice([0.5, -3.25, 1e300, rng.uniform(-1e6, 1e6)])
    if kind == "str":
        alphabet = "ab字\x00 -:/\\\"'\u200b\U0001f600"
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
    if kind == "list":
        return [_random_json(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {_random_json_key(rng): _random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def _random_json_key(rng: random.Random) -> str:
    fields = [
        "item_id",
        "item_name",
        "place",
        "date",
        "slot",
        "phone",
        "form",
        "kind",
        "content",
        "location",
        "contact_phone",
        "target_type",
        "target_id",
        "rating",
        "comment",
        "title",
        "text",
        "sender_id",
        "x",
        "",
    ]
    return rng.choice(fields)


def test_random_json_bodies_never_give_a_500(app):
    rng = random.Random(20261123)
    with TestClient(app, raise_server_exceptions=False) as client:
        token = client.post("/auth/token", json={"user_id": "fuzz"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        statuses = set()
        for _ in range(300):
            path = rng.choice(CREATE_PATHS)
            body = (
                _random_json(rng)
                if rng.random() < 0.2
                else {_random_json_key(rng): _random_json(rng, depth=2) for _ in range(rng.randint(1, 8))}
            )
            response = client.post(path, json=body, headers=headers)
            assert response.status_code in (201, 404, 409, 422), (path, body, response.text)
            if response.status_code != 201:
                assert CJK.search(response.json()["detail"]), (path, body)
            statuses.add(response.status_code)
        assert 422 in statuses


def test_openapi_documents_every_endpoint_with_chinese_summaries(client):
    spec = client.get("/openapi.json").json()
    operations = {(method.upper(), path): op for path, item in spec["paths"].items() for method, op in item.items()}
    expected = {
        ("POST", "/auth/token"),
        ("GET", "/auth/me"),
        ("GET", "/appointments/slots"),
        ("POST", "/appointments"),
        ("GET", "/appointments"),
        ("GET", "/appointments/{appointment_id}"),
        ("DELETE", "/appointments/{appointment_id}"),
        ("POST", "/applications"),
        ("GET", "/applications"),
        ("GET", "/applications/{application_no}"),
        ("POST", "/workorders"),
        ("GET", "/workorders"),
        ("GET", "/workorders/{workorder_no}"),
        ("POST", "/evaluations"),
        ("GET", "/evaluations"),
        ("POST", "/messages"),
        ("GET", "/messages"),
        ("GET", "/_control"),
        ("POST", "/_control"),
        ("POST", "/_control/reset"),
        ("GET", "/_control/received"),
        ("DELETE", "/_control/received"),
        ("POST", "/_control/applications/{application_no}/advance"),
        ("POST", "/_control/workorders/{workorder_no}/advance"),
        ("GET", "/healthz"),
    }
    assert set(operations) == expected
    for key, op in operations.items():
        assert CJK.search(op["summary"]), key
    assert operations[("POST", "/appointments")]["summary"] == "预约办事时段"
    assert "201" in operations[("POST", "/appointments")]["responses"]
    assert spec["info"]["title"] == "政务服务平台申办接口（参考实现）"
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("path", CREATE_PATHS)
def test_validation_errors_list_each_field(client, auth, path):
    response = client.post(path, json={}, headers=auth)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("请求参数有误：")
    assert body["errors"] and all(CJK.search(e["message"]) for e in body["errors"])
