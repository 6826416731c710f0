"""Application drafts (申办 with 表单预填) and their progress (办件进度)."""

from __future__ import annotations

from tests.devtools.reference_platform.users import as_user

PENDING_PROGRESS = [
    {"step": "已受理", "done": False, "time": None},
    {"step": "审核中", "done": False, "time": None},
    {"step": "已办结", "done": False, "time": None},
]


def test_create_draft_returns_201_with_number_status_and_link(client, auth, ref):
    response = client.post("/applications", json=ref.application(), headers=auth)
    assert response.status_code == 201
    assert response.json() == {
        "application_no": "SX2026112300001",
        "user_id": "test-user",
        "item_id": "SX-GJJ-001",
        "item_name": "住房公积金提取",
        "form": {"姓名": "测试用户", "提取原因": "购房", "金额": 50000, "本人申请": True, "备注": None},
        "status": "待补充",
        "finish_link": "sanjintong://application/SX2026112300001",
        "created_at": "2026-11-23T10:30:00+08:00",
        "updated_at": "2026-11-23T10:30:00+08:00",
        "progress": PENDING_PROGRESS,
    }


def test_numbers_follow_creation_order_per_day(client, login, ref, clock):
    first = client.post("/applications", json=ref.application(), headers=login("a")).json()
    second = client.post("/applications", json=ref.application(), headers=login("b")).json()
    clock.advance(days=1)
    next_day = client.post("/applications", json=ref.application(), headers=login("a")).json()
    assert [first["application_no"], second["application_no"], next_day["application_no"]] == [
        "SX2026112300001",
        "SX2026112300002",
        "SX2026112400001",
    ]


def test_get_returns_status_and_progress(client, auth, ref):
    created = client.post("/applications", json=ref.application(), headers=auth).json()
    response = client.get("/applications/SX2026112300001", headers=as_user(client))
    assert response.status_code == 200
    assert response.json() == created


def test_status_advances_deterministically_through_the_control_endpoint(client, auth, ref, clock):
    client.post("/applications", json=ref.application(), headers=auth)
    expected_status = ["已受理", "审核中", "已办结"]
    times = ["2026-11-23T11:30:00+08:00", "2026-11-23T12:30:00+08:00", "2026-11-23T13:30:00+08:00"]
    for i, status in enumerate(expected_status):
        clock.advance(hours=1)
        advanced = client.post("/_control/applications/SX2026112300001/advance")
        assert advanced.status_code == 200
        assert advanced.json()["status"] == status
        view = client.get("/applications/SX2026112300001", headers=as_user(client)).json()
        assert view == advanced.json()
        assert view["updated_at"] == times[i]
        assert view["progress"] == [
            {"step": step, "done": j <= i, "time": times[j] if j <= i else None}
            for j, step in enumerate(expected_status)
        ]
    finished = client.post("/_control/applications/SX2026112300001/advance")
    assert finished.status_code == 409
    assert finished.json() == {"detail": "办件已办结，无法继续推进"}


def test_unknown_application_is_404(client):
    response = client.get("/applications/SX2026112399999", headers=as_user(client))
    assert response.status_code == 404
    assert response.json() == {"detail": "办件不存在"}
    assert client.post("/_control/applications/SX2026112399999/advance").json() == {"detail": "办件不存在"}


def test_list_by_user(client, login, ref):
    client.post("/applications", json=ref.application(item_name="甲"), headers=login("a"))
    client.post("/applications", json=ref.application(item_name="乙"), headers=login("b"))
    client.post("/applications", json=ref.application(item_name="丙"), headers=login("a"))
    items = client.get("/applications", headers=as_user(client, "a")).json()["items"]
    assert [(i["application_no"], i["item_name"]) for i in items] == [
        ("SX2026112300001", "甲"),
        ("SX2026112300003", "丙"),
    ]
    assert client.get("/applications", headers=as_user(client, "nobody")).json() == {"items": []}


def test_form_validation_is_chinese(client, auth, ref):
    cases = [
        (
            ref.application(form={"地址": {"省": "山西"}}),
            "请求参数有误：form 字段 地址 的值只能是字符串、数字、布尔或 null",
        ),
        (ref.application(form=["a"]), "请求参数有误：form 应为 JSON 对象"),
        (ref.application(form={f"f{i}": i for i in range(101)}), "请求参数有误：form 字段数不能超过 100 个"),
        (ref.application(form={"备注": "字" * 2001}), "请求参数有误：form 字段 备注 的值不能超过 2000 个字符"),
        ({"item_id": "x", "item_name": "y"}, "请求参数有误：缺少必填字段 form"),
    ]
    for body, detail in cases:
        response = client.post("/applications", json=body, headers=auth)
        assert response.status_code == 422, body
        assert response.json()["detail"] == detail
    assert client.get("/applications", headers=as_user(client, "test-user")).json() == {"items": []}


def test_empty_form_is_accepted(client, auth, ref):
    response = client.post("/applications", json=ref.application(form={}), headers=auth)
    assert response.status_code == 201
    assert response.json()["form"] == {}
