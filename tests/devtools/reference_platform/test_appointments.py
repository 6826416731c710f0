"""Appointments (预约): slots, booking, capacity, date rules, listing, cancelling."""

from __future__ import annotations

from tests.devtools.reference_platform.users import as_user

SLOTS = ["09:00-10:00", "10:00-11:00", "11:00-12:00", "14:00-15:00", "15:00-16:00", "16:00-17:00"]
FULL = "该时段已约满，请选择其他时段"


def slots_of(client, ref, date, item_id="11140000MB1952658X-001", place="太原市政务服务中心"):
    return client.get("/appointments/slots", params={"item_id": item_id, "place": place, "date": date})


def test_slots_for_a_future_weekday_are_all_free(client, ref):
    response = slots_of(client, ref, ref.TOMORROW)
    assert response.status_code == 200
    assert response.json() == {
        "item_id": "11140000MB1952658X-001",
        "place": "太原市政务服务中心",
        "date": "2026-11-24",
        "slots": [{"slot": s, "capacity": 2, "remaining": 2, "available": True} for s in SLOTS],
    }


def test_slots_today_that_already_started_are_unavailable(client, ref):
    # The clock is 10:30: 09:00 and 10:00 have started.
    slots = slots_of(client, ref, "2026-11-23").json()["slots"]
    assert [s["available"] for s in slots] == [False, False, True, True, True, True]
    response = client.post(
        "/appointments", json=ref.appointment(date="2026-11-23", slot="10:00-11:00"), headers=_login(client)
    )
    assert response.status_code == 422
    assert response.json() == {"detail": "该时段已过，请选择其他时段"}


def _login(client, user_id="test-user"):
    token = client.post("/auth/token", json={"user_id": user_id}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_book_returns_201_with_the_appointment(client, auth, ref):
    response = client.post("/appointments", json=ref.appointment(), headers=auth)
    assert response.status_code == 201
    assert response.json() == {
        "appointment_id": "YY2026112300001",
        "user_id": "test-user",
        "item_id": "11140000MB1952658X-001",
        "item_name": "居民身份证换领",
        "place": "太原市政务服务中心",
        "date": "2026-11-24",
        "slot": "09:00-10:00",
        "phone": "13812345678",
        "status": "已预约",
        "created_at": "2026-11-23T10:30:00+08:00",
        "cancelled_at": None,
    }
    remaining = [s["remaining"] for s in slots_of(client, ref, ref.TOMORROW).json()["slots"]]
    assert remaining == [1, 2, 2, 2, 2, 2]
    assert client.get("/appointments/YY2026112300001", headers=as_user(client)).json()["status"] == "已预约"


def test_slot_at_capacity_is_409(client, login, ref):
    first = client.post("/appointments", json=ref.appointment(), headers=login("u1"))
    second = client.post("/appointments", json=ref.appointment(), headers=login("u2"))
    third = client.post("/appointments", json=ref.appointment(), headers=login("u3"))
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["appointment_id"] == "YY2026112300002"
    assert third.status_code == 409
    assert third.json() == {"detail": FULL}
    assert client.get("/appointments", headers=as_user(client, "u3")).json() == {"items": []}
    slot = slots_of(client, ref, ref.TOMORROW).json()["slots"][0]
    assert slot == {"slot": "09:00-10:00", "capacity": 2, "remaining": 0, "available": False}
    # Other slots, places and items keep their own capacity.
    assert (
        client.post("/appointments", json=ref.appointment(slot="10:00-11:00"), headers=login("u3")).status_code == 201
    )
    assert (
        client.post("/appointments", json=ref.appointment(place="小店区政务服务中心"), headers=login("u3")).status_code
        == 201
    )


def test_same_user_cannot_book_the_same_slot_twice(client, auth, ref):
    assert client.post("/appointments", json=ref.appointment(), headers=auth).status_code == 201
    again = client.post("/appointments", json=ref.appointment(phone="13900000000"), headers=auth)
    assert again.status_code == 409
    assert again.json() == {"detail": "您已预约该事项的这个时段，请勿重复预约"}


def test_past_date_is_422_in_chinese(client, auth, ref):
    for date in (ref.LAST_FRIDAY, ref.YESTERDAY):
        response = client.post("/appointments", json=ref.appointment(date=date), headers=auth)
        assert response.status_code == 422
        assert response.json() == {"detail": "预约日期已过，请选择今天及以后的工作日"}
        listing = slots_of(client, ref, date)
        assert listing.status_code == 422
        assert listing.json() == {"detail": "预约日期已过，请选择今天及以后的工作日"}


def test_weekend_is_422_in_chinese(client, auth, ref):
    saturday = client.post("/appointments", json=ref.appointment(date=ref.SATURDAY), headers=auth)
    assert saturday.status_code == 422
    assert saturday.json() == {"detail": "所选日期为周末（星期六），不提供预约服务，请选择工作日"}
    sunday = slots_of(client, ref, ref.SUNDAY)
    assert sunday.status_code == 422
    assert sunday.json() == {"detail": "所选日期为周末（星期日），不提供预约服务，请选择工作日"}
    assert client.get("/appointments", headers=as_user(client, "test-user")).json() == {"items": []}


def test_body_validation_errors_are_chinese(client, auth, ref):
    cases = [
        (ref.appointment(phone="12345"), "请求参数有误：phone 格式不正确"),
        (ref.appointment(date="2026/11/24"), "请求参数有误：date 格式不正确，应为 YYYY-MM-DD"),
        (ref.appointment(date="2026-02-30"), "请求参数有误：date 不是有效的日期"),
        (ref.appointment(date=1795000000), "请求参数有误：date 格式不正确，应为 YYYY-MM-DD"),
        (
            ref.appointment(slot="12:00-13:00"),
            "请求参数有误：slot 不是可预约的时段，可选：" + "、".join(SLOTS),
        ),
        (ref.appointment(item_name="  "), "请求参数有误：item_name 不能为空"),
        ({k: v for k, v in ref.appointment().items() if k != "place"}, "请求参数有误：缺少必填字段 place"),
    ]
    for body, detail in cases:
        response = client.post("/appointments", json=body, headers=auth)
        assert response.status_code == 422, body
        assert response.json()["detail"] == detail


def test_slots_query_validation_is_chinese(client, ref):
    bad_date = slots_of(client, ref, "24/11/2026")
    assert bad_date.status_code == 422
    assert bad_date.json() == {"detail": "请求参数有误：date 格式不正确，应为 YYYY-MM-DD"}
    missing = client.get("/appointments/slots", params={"item_id": "x", "date": ref.TOMORROW})
    assert missing.status_code == 422
    assert missing.json()["detail"] == "请求参数有误：缺少必填字段 place"


def test_list_by_user_in_creation_order(client, login, ref):
    me, other = login("test-user"), login("other-user")
    client.post("/appointments", json=ref.appointment(slot="14:00-15:00"), headers=me)
    client.post("/appointments", json=ref.appointment(), headers=other)
    client.post("/appointments", json=ref.appointment(slot="11:00-12:00"), headers=me)
    items = client.get("/appointments", headers=as_user(client, "test-user")).json()["items"]
    assert [(i["appointment_id"], i["slot"]) for i in items] == [
        ("YY2026112300001", "14:00-15:00"),
        ("YY2026112300003", "11:00-12:00"),
    ]
    assert [
        i["appointment_id"] for i in client.get("/appointments", headers=as_user(client, "other-user")).json()["items"]
    ] == ["YY2026112300002"]


def test_cancel_frees_the_slot(client, login, ref, clock):
    first = client.post("/appointments", json=ref.appointment(), headers=login("u1")).json()
    client.post("/appointments", json=ref.appointment(), headers=login("u2"))
    clock.advance(minutes=5)
    cancelled = client.delete(f"/appointments/{first['appointment_id']}", headers=login("u1"))
    assert cancelled.status_code == 200
    assert cancelled.json() == {**first, "status": "已取消", "cancelled_at": "2026-11-23T10:35:00+08:00"}
    assert slots_of(client, ref, ref.TOMORROW).json()["slots"][0]["remaining"] == 1
    assert client.post("/appointments", json=ref.appointment(), headers=login("u3")).status_code == 201
    listed = client.get("/appointments", headers=as_user(client, "u1")).json()["items"]
    assert [i["status"] for i in listed] == ["已取消"]


def test_cancel_twice_is_409_and_others_appointment_is_404(client, login, ref):
    mine = login("u1")
    appointment_id = client.post("/appointments", json=ref.appointment(), headers=mine).json()["appointment_id"]
    stranger = client.delete(f"/appointments/{appointment_id}", headers=login("u2"))
    assert stranger.status_code == 404
    assert stranger.json() == {"detail": "预约记录不存在"}
    assert client.delete(f"/appointments/{appointment_id}", headers=mine).status_code == 200
    again = client.delete(f"/appointments/{appointment_id}", headers=mine)
    assert again.status_code == 409
    assert again.json() == {"detail": "该预约已取消，请勿重复操作"}
    missing = client.delete("/appointments/YY2099010100001", headers=mine)
    assert missing.status_code == 404
    assert client.get("/appointments/YY2099010100001", headers=as_user(client)).json() == {"detail": "预约记录不存在"}


def test_cannot_cancel_after_the_date(client, auth, ref, clock):
    appointment_id = client.post("/appointments", json=ref.appointment(), headers=auth).json()["appointment_id"]
    clock.advance(days=1, hours=12)  # 2026-11-24 22:30: the appointment day is today, still cancellable
    clock.advance(hours=2)  # 2026-11-25 00:30: the day has passed
    response = client.delete(f"/appointments/{appointment_id}", headers=_login(client))
    assert response.status_code == 422
    assert response.json() == {"detail": "预约日期已过，无法取消"}
    assert client.get(f"/appointments/{appointment_id}", headers=as_user(client)).json()["status"] == "已预约"


def test_cancel_on_the_appointment_day_is_allowed(client, auth, ref, clock):
    appointment_id = client.post("/appointments", json=ref.appointment(), headers=auth).json()["appointment_id"]
    clock.advance(days=1, hours=12)  # 2026-11-24 22:30
    response = client.delete(f"/appointments/{appointment_id}", headers=_login(client))
    assert response.status_code == 200
    assert response.json()["status"] == "已取消"
