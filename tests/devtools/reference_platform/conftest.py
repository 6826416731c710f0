"""Fixtures for the reference application API tests.

The app runs on a temporary SQLite file with a controllable clock fixed at Monday
2026-11-23 10:30 China Standard Time, so dates, times and business numbers are exact.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable, Dict

import pytest
from fastapi.testclient import TestClient

from devtools.reference_platform.app import create_app

CST = timezone(timedelta(hours=8))
START = datetime(2026, 11, 23, 10, 30, 0, tzinfo=CST)  # a Monday

TOMORROW = "2026-11-24"  # Tuesday
SATURDAY = "2026-11-28"
SUNDAY = "2026-11-29"
YESTERDAY = "2026-11-22"  # Sunday, but "past" is checked first
LAST_FRIDAY = "2026-11-20"


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now = self.now + timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def db_path(tmp_path) -> str:
    return str(tmp_path / "data" / "reference_api.sqlite3")


@pytest.fixture
def app(db_path, clock):
    return create_app(db_path, clock=clock)


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def login(client) -> Callable[[str], Dict[str, str]]:
    """login(user_id) -> Authorization headers for a freshly issued token."""

    def _login(user_id: str = "test-user") -> Dict[str, str]:
        response = client.post("/auth/token", json={"user_id": user_id})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return _login


@pytest.fixture
def auth(login) -> Dict[str, str]:
    return login("test-user")


class Ref:
    """Dates relative to START and request-body factories (tests get it as the `ref` fixture)."""

    START = START
    TOMORROW = TOMORROW
    SATURDAY = SATURDAY
    SUNDAY = SUNDAY
    YESTERDAY = YESTERDAY
    LAST_FRIDAY = LAST_FRIDAY

    @staticmethod
    def appointment(**overrides):
        return appointment_body(**overrides)

    @staticmethod
    def application(**overrides):
        return application_body(**overrides)

    @staticmethod
    def workorder(**overrides):
        return workorder_body(**overrides)


@pytest.fixture
def ref() -> Ref:
    return Ref()


def appointment_body(**overrides):
    body = {
        "item_id": "11140000MB1952658X-001",
        "item_name": "居民身份证换领",
        "place": "太原市政务服务中心",
        "date": TOMORROW,
        "slot": "09:00-10:00",
        "phone": "13812345678",
    }
    body.update(overrides)
    return body


def application_body(**overrides):
    body = {
        "item_id": "SX-GJJ-001",
        "item_name": "住房公积金提取",
        "form": {"姓名": "测试用户", "提取原因": "购房", "金额": 50000, "本人申请": True, "备注": None},
    }
    body.update(overrides)
    return body


def workorder_body(**overrides):
    body = {
        "kind": "complaint",
        "content": "小区门口路灯连续一周不亮，夜间出行不便。",
        "location": "太原市小店区长风街 88 号",
        "contact_phone": "13812345678",
    }
    body.update(overrides)
    return body
