"""The gateway as a real process (uvicorn), with its own database URL and index directory."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GatewayProcess:
    def __init__(self, workdir: Path, db_url: str, admin_token: str, index_dir: Path = None) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.index_dir = index_dir or workdir / "index"
        self.log = workdir / f"gateway-{self.port}.log"
        self.env = {**os.environ, "DATA_DIR": str(workdir), "DATABASE_URL": db_url,
                    "SEARCH_INDEX_DIR": str(self.index_dir), "STAFF_ADMIN_TOKEN": admin_token,
                    "GATEWAY_PORT": str(self.port), "INDEX_SYNC_INTERVAL_SECONDS": "1",
                    "RASA_URL": f"http://127.0.0.1:{free_port()}", "PYTHONUNBUFFERED": "1"}
        self.env.pop("REDIS_URL", None)
        self.proc = None
        self.headers = {"Authorization": f"Bearer {admin_token}"}

    def start(self, timeout: float = 120) -> "GatewayProcess":
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "gateway.app:create_app", "--factory", "--ws", "none", "--host", "127.0.0.1",
             "--port", str(self.port)], cwd=ROOT, env=self.env, stdout=open(self.log, "a"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "gateway exited:\n" + self.log.read_text()[-3000:]
            try:
                if httpx.get(self.url + "/api/search", params={"q": "身份证"}, timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("gateway not ready:\n" + self.log.read_text()[-3000:])

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

    def wait_until(self, check, timeout: float) -> float:
        """Seconds until `check()` is true; fails after `timeout`."""
        started = time.monotonic()
        while True:
            if check():
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise AssertionError(f"not true within {timeout} s")
            time.sleep(0.1)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
