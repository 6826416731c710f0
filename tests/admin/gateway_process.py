"""The gateway as a real process (uvicorn), with its own database URL and index directory. Rasa, the action
server and the platform are not running: their addresses are free ports nothing listens on."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import httpx

from devtools.support.ports import free_port, unused_url
from devtools.support.processes import kill, launch, stop, wait_ready
from devtools.support.waiting import wait_until


class GatewayProcess:
    def __init__(self, workdir: Path, db_url: str, admin_token: str, index_dir: Path = None) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.index_dir = index_dir or workdir / "index"
        self.log = workdir / f"gateway-{self.port}.log"
        self.env = {
            **os.environ,
            "DATA_DIR": str(workdir),
            "DATABASE_URL": db_url,
            "SEARCH_INDEX_DIR": str(self.index_dir),
            "STAFF_ADMIN_TOKEN": admin_token,
            "GATEWAY_PORT": str(self.port),
            "INDEX_SYNC_INTERVAL_SECONDS": "1",
            "RASA_URL": unused_url(),
            "ACTION_SERVER_URL": unused_url(),
            "APPLICATION_API_URL": unused_url(),
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("REDIS_URL", None)
        self.proc = None
        self.headers = {"Authorization": f"Bearer {admin_token}"}

    def start(self, timeout: float = 120) -> "GatewayProcess":
        self.proc = launch(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "gateway.app:create_app",
                "--factory",
                "--ws",
                "none",
                "--host",
                "127.0.0.1",
                "--port",
                self.port,
            ],
            self.log,
            env=self.env,
        )
        wait_ready(self.proc, self.url + "/api/search?q=%E8%BA%AB%E4%BB%BD%E8%AF%81", timeout, self.log, "the gateway")
        return self

    def get(self, path: str, **kwargs) -> httpx.Response:
        return httpx.get(self.url + path, headers=self.headers, timeout=60, **kwargs)

    def post(self, path: str, **kwargs) -> httpx.Response:
        return httpx.post(self.url + path, headers=self.headers, timeout=120, **kwargs)

    def put(self, path: str, **kwargs) -> httpx.Response:
        return httpx.put(self.url + path, headers=self.headers, timeout=60, **kwargs)

    def delete(self, path: str, **kwargs) -> httpx.Response:
        return httpx.delete(self.url + path, headers=self.headers, timeout=60, **kwargs)

    def search_ids(self, query: str, kind: str = None) -> list:
        params = {"q": query, **({"type": kind} if kind else {})}
        response = httpx.get(self.url + "/api/search", params=params, timeout=30)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["results"]]

    def wait_until(self, check, timeout: float, interval: float = 0.1) -> float:
        """Seconds until `check()` is true; fails after `timeout`."""
        started = time.monotonic()
        wait_until(check, timeout, "true", interval)
        return time.monotonic() - started

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs (a crash)."""
        kill(self.proc)

    def stop(self) -> None:
        stop(self.proc, 30)
