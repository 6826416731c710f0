"""Issue #17: citizen A (with A's token) and an anonymous sender read citizen B's application and work order
by giving B's number to "查一下我的办件进度": item, status, steps and the finish link. Through the real stack
(gateway → Rasa → action server → reference platform), only B sees them now."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.stack


def _token(stack, user: str) -> str:
    return httpx.post(stack.application_api + "/auth/token", json={"user_id": user}, timeout=5).json()["access_token"]


def _create(stack, token: str, path: str, body: dict) -> dict:
    response = httpx.post(
        f"{stack.application_api}/{path}", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert response.status_code == 201, response.text
    return response.json()


def _said(reply: dict) -> str:
    return "\n".join(m.get("text", "") + " " + str(m.get("url", "")) for m in reply["messages"])


RECORDS = {
    "application": (
        "applications",
        {"item_id": "ga-residence-permit", "item_name": "居住证签注", "form": {"姓名": "王五"}},
        "application_no",
    ),
    "workorder": (
        "workorders",
        {"kind": "complaint", "content": "小区门口路灯坏了一个月没人修", "contact_phone": "13900001111"},
        "workorder_no",
    ),
}


@pytest.mark.parametrize("kind", list(RECORDS))
def test_only_the_owner_reads_a_record_by_its_number(stack, kind):
    path, body, key = RECORDS[kind]
    owner = _token(stack, "owner-b")
    record = _create(stack, owner, path, body)
    number = record[key]
    secrets = [record["status"], *([record["finish_link"], body["item_name"]] if kind == "application" else [])]

    mine = stack.conversation("own-b-")(f"查一下{number}办到哪了", token=owner)
    assert number in _said(mine) and record["status"] in _said(mine), _said(mine)

    other = stack.conversation("own-a-")(f"查一下{number}办到哪了", token=_token(stack, "stranger-a"))
    anonymous = stack.conversation("own-anon-")(f"查一下{number}办到哪了")
    for reply in (other, anonymous):
        said = _said(reply)
        assert not any(secret and secret in said for secret in secrets), said
        assert "○ 已受理" not in said and "● 已受理" not in said  # no steps either
    assert "没有查到您名下" in _said(other)
    assert any(m["type"] == "link" and "login" in m["url"] for m in anonymous["messages"]), anonymous
