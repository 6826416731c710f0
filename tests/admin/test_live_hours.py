"""/admin/live/hours: the service hours of 转人工 as the console sets them, and the way back to the profile's."""

from __future__ import annotations

SUNDAYS = {"hours": {"days": [7], "periods": ["10:00-11:00"]}, "departments": {}, "queue_limit": 3}


def test_an_admin_sets_hours_and_puts_the_profiles_back(as_role):
    profile = as_role("agent").get("/admin/live/hours").json()
    assert profile["source"] == "profile"

    assert as_role("admin").put("/admin/live/hours", json=SUNDAYS).status_code == 200
    seen = as_role("agent").get("/admin/live/hours").json()
    assert (seen["source"], seen["hours"], seen["queue_limit"]) == ("console", SUNDAYS["hours"], 3)

    assert as_role("reviewer").delete("/admin/live/hours").status_code == 403  # only admins change hours
    assert as_role("agent").get("/admin/live/hours").json()["source"] == "console"

    back = as_role("admin").delete("/admin/live/hours")
    assert back.status_code == 200, back.text
    assert back.json() == profile
    assert as_role("agent").get("/admin/live/hours").json() == profile

    actions = [row["action_name"] for row in as_role("admin").get("/admin/audit").json()["items"]]
    assert actions[:2] == ["人工服务时间恢复为档案设置", "设置人工服务时间"]


def test_invalid_hours_are_refused_in_chinese(as_role):
    bad = as_role("admin").put("/admin/live/hours", json={"hours": {"days": [8], "periods": ["18:00-09:00"]}})
    assert bad.status_code == 422
    assert "周一" in bad.text and "开始早于结束" in bad.text
    assert as_role("agent").get("/admin/live/hours").json()["source"] == "profile"
