"""12345 work orders (投诉建议)."""

from __future__ import annotations

from tests.devtools.reference_platform.users import as_user


def test_create_complaint_returns_201(client, auth, ref):
    response = client.post("/workorders", json=ref.workorder(), headers=auth)
    assert response.status_code == 201
    assert response.json() == {
        "workorder_no": "GD2026112300001",
        "user_id": "test-user",
        "kind": "complaint",
        "kind_label": "投诉",
        "content": "小区门口路灯连续一周不亮，夜间出行不便。",
        "location": "太原市小店区长风街 88 号",
        "contact_phone": "13812345678",
        "status": "已受理",
        "reply": None,
        "created_at": "2026-11-23T10:30:00+08:00",
        "updated_at": "2026-11-23T10:30:00+08:00",
        "progress": [
            {"step": "已受理", "done": True, "time": "2026-11-23T10:30:00+08:00"},
            {"step": "处理中", "done": False, "time": None},
            {"step": "已办结", "done": False, "time": None},
        ],
    }


def test_suggestion_without_optional_fields(client, auth):
    response = client.post(
        "/workorders", json={"kind": "suggestion", "content": "建议延长政务大厅周末开放时间"}, headers=auth
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["workorder_no"], body["kind_label"], body["location"], body["contact_phone"]) == (
        "GD2026112300001",
        "建议",
        None,
        None,
    )


def test_get_and_list(client, login, ref):
    mine = client.post("/workorders", json=ref.workorder(), headers=login("a")).json()
    client.post("/workorders", json=ref.workorder(kind="suggestion"), headers=login("b"))
    assert client.get(f"/workorders/{mine['workorder_no']}", headers=as_user(client, "a")).json() == mine
    assert client.get("/workorders", headers=as_user(client, "a")).json() == {"items": [mine]}
    assert [w["workorder_no"] for w in client.get("/workorders", headers=as_user(client, "b")).json()["items"]] == [
        "GD2026112300002"
    ]
    missing = client.get("/workorders/GD2026112399999", headers=as_user(client, "a"))
    assert missing.status_code == 404
    assert missing.json() == {"detail": "工单不存在"}


def test_advance_to_finished_with_reply(client, auth, ref, clock):
    client.post("/workorders", json=ref.workorder(), headers=auth)
    clock.advance(hours=2)
    processing = client.post("/_control/workorders/GD2026112300001/advance").json()
    assert (processing["status"], processing["reply"]) == ("处理中", None)
    clock.advance(days=1)
    done = client.post("/_control/workorders/GD2026112300001/advance").json()
    assert done["status"] == "已办结"
    assert done["reply"] == "您反映的事项已由承办单位办理完毕，感谢您对政务服务工作的关心和支持。"
    assert [p["time"] for p in done["progress"]] == [
        "2026-11-23T10:30:00+08:00",
        "2026-11-23T12:30:00+08:00",
        "2026-11-24T12:30:00+08:00",
    ]
    assert client.get("/workorders/GD2026112300001", headers=as_user(client)).json() == done
    again = client.post("/_control/workorders/GD2026112300001/advance")
    assert again.status_code == 409
    assert again.json() == {"detail": "工单已办结，无法继续推进"}


def test_validation_is_chinese(client, auth, ref):
    cases = [
        (ref.workorder(kind="praise"), "请求参数有误：kind 取值不正确，可选值：complaint、suggestion"),
        (ref.workorder(content="   "), "请求参数有误：content 不能为空"),
        (ref.workorder(content="字" * 2001), "请求参数有误：content 过长，最多 2000 个字符"),
        (ref.workorder(contact_phone="110"), "请求参数有误：contact_phone 格式不正确"),
    ]
    for body, detail in cases:
        response = client.post("/workorders", json=body, headers=auth)
        assert response.status_code == 422, body
        assert response.json()["detail"] == detail
    landline = client.post("/workorders", json=ref.workorder(contact_phone="0351-1234567"), headers=auth)
    assert landline.status_code == 201
    assert landline.json()["contact_phone"] == "0351-1234567"
