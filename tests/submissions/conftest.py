"""The reference application API as a real process (it stands in for the platform, which is outside the
product), with helpers to stop, restart, slow down and break it."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.stack.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


class ReferenceServer:
    def __init__(self, db: Path, host: str = "127.0.0.1") -> None:
        self.db = db
        self.host = host
        self.port = free_port()
        self.url = f"http://{host}:{self.port}"
        self.proc = None

    def start(self) -> "ReferenceServer":
        self.proc = subprocess.Popen([sys.executable, "-m", "devtools.reference_platform", "--host", self.host,
                                      "--port", str(self.port), "--db", str(self.db)], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("reference API did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def control(self, **settings) -> None:
        httpx.post(self.url + "/_control", json=settings, timeout=5).raise_for_status()

    def reset(self) -> None:
        httpx.post(self.url + "/_control/reset", timeout=5).raise_for_status()

    def token(self, user_id: str) -> str:
        return httpx.post(self.url + "/auth/token", json={"user_id": user_id}, timeout=5).json()["access_token"]

    def appointments(self, user_id: str) -> list:
        return self.listing("appointments", user_id)

    def listing(self, kind: str, user_id: str) -> list:
        return httpx.get(f"{self.url}/{kind}", params={"user_id": user_id}, timeout=5).json()["items"]

    def received(self) -> list:
        body = httpx.get(self.url + "/_control/received", timeout=5).json()
        return body["items"]


@pytest.fixture
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
    return {"item_id": "ga-idcard-reissue", "item_name": "居民身份证补领", "place": "太原市政务服务中心",
            "date": next_weekday(), "slot": slot, "phone": "13812345678", **extra}
