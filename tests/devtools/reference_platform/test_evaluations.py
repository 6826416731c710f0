"""Good/bad service evaluations (好差评)."""

from __future__ import annotations

from tests.devtools.reference_platform.users import as_user


def test_evaluate_a_conversation(client, auth):
    response = client.post(
        "/evaluations",
        json={"target_type": "conversation", "target_id": "conv-42", "rating": 5, "comment": "回答很及时"},
        headers=auth,
    )
    assert response.status_code == 201
    assert response.json() == {
        "evaluation_id": "PJ2026112300001",
        "user_id": "test-user",
        "target_type": "conversation",
        "target_id": "conv-42",
        "rating": 5,
        "level": "非常满意",
        "comment": "回答很及时",
        "created_at": "2026-11-23T10:30:00+08:00",
    }


def test_evaluate_own_application_and_appointment(client, auth, ref):
    application_no = client.post("/applications", json=ref.application(), headers=auth).json()["application_no"]
    appointment_id = client.post("/appointments", json=ref.appointment(), headers=auth).json()["appointment_id"]
    on_application = client.post(
        "/evaluations", json={"target_type": "application", "target_id": application_no, "rating": 1}, headers=auth
    )
    on_appointment = client.post(
        "/evaluations", json={"target_type": "appointment", "target_id": appointment_id, "rating": 3}, headers=auth
    )
    assert (on_application.status_code, on_appointment.status_code) == (201, 201)
    assert (on_application.json()["level"], on_application.json()["comment"]) == ("非常不满意", None)
    assert on_appointment.json()["level"] == "基本满意"
    listed = client.get("/evaluations", headers=as_user(client, "test-user")).json()["items"]
    assert [(e["evaluation_id"], e["target_type"], e["target_id"], e["rating"]) for e in listed] == [
        ("PJ2026112300001", "application", "SX2026112300001", 1),
        ("PJ2026112300002", "appointment", "YY2026112300001", 3),
    ]


def test_missing_or_foreign_target_is_404(client, login, ref):
    owner, stranger = login("owner"), login("stranger")
    application_no = client.post("/applications", json=ref.application(), headers=owner).json()["application_no"]
    for body in (
        {"target_type": "application", "target_id": application_no, "rating": 4},
        {"target_type": "application", "target_id": "SX2026112399999", "rating": 4},
        {"target_type": "appointment", "target_id": "YY2026112399999", "rating": 4},
    ):
        response = client.post("/evaluations", json=body, headers=stranger)
        assert response.status_code == 404, body
        assert response.json() == {"detail": "评价对象不存在"}
    assert client.get("/evaluations", headers=as_user(client, "stranger")).json() == {"items": []}


def test_second_evaluation_of_the_same_target_is_409(client, login):
    body = {"target_type": "conversation", "target_id": "conv-1", "rating": 4}
    assert client.post("/evaluations", json=body, headers=login("a")).status_code == 201
    again = client.post("/evaluations", json={**body, "rating": 2}, headers=login("a"))
    assert again.status_code == 409
    assert again.json() == {"detail": "该事项已评价，请勿重复评价"}
    assert client.post("/evaluations", json=body, headers=login("b")).status_code == 201


def test_rating_validation_is_chinese(client, auth):
    cases = [
        (0, "请求参数有误：rating 不能小于 1"),
        (6, "请求参数有误：rating 不能大于 5"),
        ("5", "请求参数有误：rating 应为整数"),
        (4.5, "请求参数有误：rating 应为整数"),
        (True, "请求参数有误：rating 应为整数"),
        (None, "请求参数有误：rating 不能为 null"),
    ]
    for rating, detail in cases:
        response = client.post(
            "/evaluations", json={"target_type": "conversation", "target_id": "c", "rating": rating}, headers=auth
        )
        assert response.status_code == 422, rating
        assert response.json()["detail"] == detail
    bad_type = client.post("/evaluations", json={"target_type": "service", "target_id": "c", "rating": 5}, headers=auth)
    assert (
        bad_type.json()["detail"]
        == "请求参数有误：target_type 取值不正确，可选值：conversation、application、appointment"
    )
