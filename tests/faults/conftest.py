"""Fault tests drive the real stack with each service as its own process (`python -m launcher SERVICE`, as
each Docker container runs it), so that one can be killed with SIGKILL and restarted on the same port
while the others keep running; and a private Redis server (its own port and directory) that can be killed
and restarted without disturbing the other tests' Redis."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis

from launcher.supervisor import stop_process_groups
from tests.stack.conftest import ROOT, Stack, free_port

STAFF_TOKEN = "faults-admin-token"


class RedisServer:
    """`redis-server` on its own port; `start(appendonly=...)` again after `kill()` comes back on that port."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self, appendonly: bool, data_dir: Path) -> None:
        if not shutil.which("redis-server"):  # never skip: CI installs it (.ci/run)
            pytest.fail("redis-server is not on PATH; the fault tests start their own Redis server")
        data_dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes" if appendonly else "no", "--dir", str(data_dir)],
            stdout=open(self.workdir / "redis.log", "a"), stderr=subprocess.STDOUT, start_new_session=True)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            assert self.proc.poll() is None, (self.workdir / "redis.log").read_text()[-2000:]
            try:
                if client.ping():
                    return
            except redis.RedisError:
                assert time.monotonic() < deadline, "redis-server did not answer"
                time.sleep(0.05)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


class Services(Stack):
    """Stack's environment (free ports, its own knowledge base, index and data directory), but each service
    started, killed and restarted on its own."""

    def __init__(self, workdir: Path, extra_env: dict) -> None:
        super().__init__(workdir, extra_env)
        env = self.env
        self.ready_urls = {
            "reference-api": env["APPLICATION_API_URL"] + "/healthz",
            "action-server": env["ACTION_SERVER_URL"] + "/health",
            "rasa": env["RASA_URL"] + "/webhooks/gateway/",
            "gateway": self.gateway + "/healthz",
        }
        self.procs: dict = {}

    def log_of(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def start_service(self, *names: str, timeout: float = 240) -> float:
        """Starts the services together, waits until each answers; returns the seconds it took."""
        started = time.monotonic()
        for name in names:
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-m", "launcher", name], env=self.env, cwd=ROOT, start_new_session=True,
                stdout=open(self.log_of(name), "a"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        for name in names:
            while True:
                proc = self.procs[name]
                assert proc.poll() is None, f"{name} exited:\n" + self.log_of(name).read_text()[-3000:]
                try:
                    if httpx.get(self.ready_urls[name], timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() - started < timeout, f"{name} not ready:\n" + \
                    self.log_of(name).read_text()[-3000:]
                time.sleep(0.25)
        return time.monotonic() - started

    def kill(self, name: str) -> None:
        """SIGKILL, as a crash or the OOM killer would: no shutdown handler runs."""
        proc = self.procs.pop(name)
        _signal_group(proc, signal.SIGKILL)
        proc.wait()

    def stop_all(self) -> None:
        stop_process_groups(self.procs, 20)
        self.procs.clear()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # the service and anything it started (own session)
    except ProcessLookupError:  # already gone
        pass


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("fault-redis"))
    server.start(appendonly=False, data_dir=server.workdir / "data-0")
    yield server
    if server.proc.poll() is None:
        server.kill()


@pytest.fixture(scope="module")
def services(tmp_path_factory, redis_server):
    """Reference API, action server, Rasa (tracker and lock store in `redis_server`) and the gateway."""
    services = Services(tmp_path_factory.mktemp("fault-stack"),
                        {"REDIS_URL": redis_server.url, "STAFF_ADMIN_TOKEN": STAFF_TOKEN})
    assert Path(services.env["RASA_MODEL"]).exists(), "run `make train` first (make test does)"
    services.cli("knowledge", "load")
    services.cli("search", "build")
    try:
        services.start_service("reference-api", "action-server", "rasa", "gateway")
        yield services
    finally:
        services.stop_all()
