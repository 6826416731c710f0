"""The reference application API as a real process (it stands in for the platform, which is outside the
product), with helpers to stop, restart, slow down and break it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest

from devtools.support.ports import free_port
from devtools.support.processes import launch, python_module, stop, wait_ready
from tests.conftest import needs


class ReferenceServer:
    def __init__(self, db: Path, host: str = "127.0.0.1") -> None:
        self.db = db
        self.host = host
        self.port = free_port()
        self.url = f"http://{host}:{self.port}"
        self.log = db.with_suffix(".log")
        self.proc = None

    def start(self) -> "ReferenceServer":
        self.proc = launch(
            python_module("devtools.reference_platform", "--host", self.host, "--port", self.port, "--db", self.db),
            self.log,
        )
        wait_ready(self.proc, self.url + "/healthz", 30, self.log, "the reference API")
        return self

    def stop(self) -> None:
        stop(self.proc, 10)

    def control(self, **settings) -> None:
        httpx.post(self.url + "/_control", json=settings, timeout=5).raise_for_status()

    def reset(self) -> None:
        httpx.post(self.url + "/_control/reset", timeout=5).raise_for_status()

    def token(self, user_id: str) -> str:
        return httpx.post(self.url + "/auth/token", json={"user_id": user_id}, timeout=5).json()["access_token"]

    def appointments(self, user_id: str) -> list:
        return self.listing("appointments", user_id)

    def listing(self, kind: str, user_id: str) -> list:
        headers = {"Authorization": f"Bearer {self.token(user_id)}"}  # the server lists the token's own records
        return httpx.get(f"{self.url}/{kind}", headers=headers, timeout=5).json()["items"]

    def received(self) -> list:
        body = httpx.get(self.url + "/_control/received", timeout=5).json()
        return body["items"]


@pytest.fixture
@needs("processes")
def reference_server(tmp_path):
    server = ReferenceServer(tmp_path / "reference.sqlite3").start()
    yield server
    server.stop()


def next_weekday(days_ahead: int = 2) -> str:
    day = dt.date.today() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day.isoformat()


def appointment_body(slot: str = "10:00-11:00", **extra) -> dict:
    return {
        "item_id": "ga-idcard-reissue",
        "item_name": "居民身份证补领",
        "place": "太原市政务服务中心",
        "date": next_weekday(),
        "slot": slot,
        "phone": "13812345678",
        **extra,
    }
