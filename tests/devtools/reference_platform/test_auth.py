"""Dev identity issuer: tokens, /auth/me profile, 401s."""

from __future__ import annotations

import re

from tests.devtools.reference_platform.users import as_user

UNAUTHORIZED = "身份令牌无效或已过期，请重新登录"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_digit(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=False)) % 11]


def test_token_is_random_bearer_and_stored(client):
    first = client.post("/auth/token", json={"user_id": "test-user"})
    second = client.post("/auth/token", json={"user_id": "test-user"})
    assert first.status_code == 200
    assert first.json()["token_type"] == "bearer"
    assert first.json()["expires_in"] == 86400
    assert set(first.json()) == {"access_token", "token_type", "expires_in"}
    assert len(first.json()["access_token"]) >= 32
    assert first.json()["access_token"] != second.json()["access_token"]
    for response in (first, second):
        me = client.get("/auth/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"})
        assert me.status_code == 200
        assert me.json()["user_id"] == "test-user"


def test_me_returns_the_fixed_test_user_profile(client, auth):
    response = client.get("/auth/me", headers=auth)
    assert response.status_code == 200
    assert response.json() == {
        "user_id": "test-user",
        "name": "测试用户",
        "id_number": "140108198403234746",
        "phone": "13899166367",
        "address": "山西省太原市尖草坪区南内环街3号",
    }


def test_profiles_are_deterministic_per_user_and_well_formed(client, login):
    alice_1 = client.get("/auth/me", headers=login("alice")).json()
    alice_2 = client.get("/auth/me", headers=login("alice")).json()
    bob = client.get("/auth/me", headers=login("bob")).json()
    assert alice_1 == alice_2
    assert alice_1["id_number"] != bob["id_number"]
    assert alice_1["phone"] != bob["phone"]
    for profile in (alice_1, bob):
        assert re.fullmatch(r"测试用户\d{4}", profile["name"])
        assert re.fullmatch(r"1401(0[5-9]|10)(19[6-9]\d|200\d)\d{7}[\dX]", profile["id_number"])
        assert profile["id_number"][17] == check_digit(profile["id_number"][:17])
        assert re.fullmatch(r"138\d{8}", profile["phone"])
        assert profile["address"].startswith("山西省太原市")


def test_missing_token_is_401_in_chinese(client):
    response = client.get("/auth/me")
    assert response.status_code == 401
    assert response.json() == {"detail": UNAUTHORIZED}
    assert response.headers["www-authenticate"] == "Bearer"


def test_unknown_token_and_wrong_scheme_are_401(client, auth):
    token = auth["Authorization"].split()[1]
    for headers in (
        {"Authorization": "Bearer not-a-real-token"},
        {"Authorization": f"Basic {token}"},
        {"Authorization": token},
        {"Authorization": "Bearer "},
    ):
        response = client.get("/auth/me", headers=headers)
        assert response.status_code == 401, headers
        assert response.json()["detail"] == UNAUTHORIZED


def test_token_expires_after_24_hours(client, auth, clock):
    clock.advance(hours=23, minutes=59)
    assert client.get("/auth/me", headers=auth).status_code == 200
    clock.advance(minutes=1)
    response = client.get("/auth/me", headers=auth)
    assert response.status_code == 401
    assert response.json()["detail"] == UNAUTHORIZED


def test_token_request_validation_is_chinese(client):
    missing = client.post("/auth/token", json={})
    assert missing.status_code == 422
    assert missing.json()["detail"] == "请求参数有误：缺少必填字段 user_id"
    bad = client.post("/auth/token", json={"user_id": "测试 用户"})
    assert bad.status_code == 422
    assert bad.json()["detail"] == "请求参数有误：user_id 格式不正确"


def test_every_create_requires_a_token(client, ref):
    cases = [
        ("/appointments", ref.appointment()),
        ("/applications", ref.application()),
        ("/workorders", ref.workorder()),
        ("/evaluations", {"target_type": "conversation", "target_id": "c-1", "rating": 5}),
    ]
    for path, body in cases:
        response = client.post(path, json=body)
        assert response.status_code == 401, path
        assert response.json() == {"detail": UNAUTHORIZED}
        bad = client.post(path, json=body, headers={"Authorization": "Bearer forged"})
        assert bad.status_code == 401, path
    assert client.delete("/appointments/YY2026112300001").status_code == 401
    for listing in ("/appointments", "/applications", "/workorders", "/evaluations"):
        assert client.get(listing, headers=as_user(client, "test-user")).json() == {"items": []}
