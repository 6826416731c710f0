"""A multi-worker deployment on one machine, started the way docker-compose.yml starts it: each process is
`python -m launcher SERVICE` with its own environment — one reference application API, one action server,
`workers` Rasa servers and `workers` gateways (gateway i talks to Rasa server i), all on one Redis
(REDIS_URL: tracker store in db N, lock store in db N+1, see launcher/endpoints.py) or, with one worker and
no Redis, on the embedded in-memory stores. Own knowledge database and index in `workdir`, free ports.

Used by tests/scale/test_multi_worker.py and benchmarks/load_chat.py."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Optional

from devtools.support.ports import free_port
from devtools.support.processes import ROOT, launch, log_tail, python_module, run_module, stop, wait_ready
from devtools.support.services import ONE_ADDRESS_ENV

MODEL = ROOT / "var" / "models" / "bot.tar.gz"
# launcher/endpoints.py puts the tracker store in the REDIS_URL database N and the lock store in N+1, so
# tests/scale and benchmarks/load_chat.py use databases 8 and 9 (a default Redis has 0–15; 10–14 belong to
# other test suites). The tests use them on the tests' own Redis; the benchmark's `--redis` defaults to
# the machine's Redis (SCALE_REDIS_URL).
SCALE_REDIS_DB = 8
SCALE_REDIS_URL = f"redis://127.0.0.1:6379/{SCALE_REDIS_DB}"


def flush_redis(url: str) -> None:
    """Empties the databases a REDIS_URL stands for: db N (tracker, gateway) and N+1 (lock store)."""
    import redis

    base, db = url.rsplit("/", 1)
    for n in (int(db), int(db) + 1):
        redis.Redis.from_url(f"{base}/{n}").flushdb()


class Cluster:
    def __init__(
        self, workdir: Path, workers: int = 1, redis_url: Optional[str] = None, extra_env: Optional[dict] = None
    ) -> None:
        if workers > 1 and not redis_url:
            raise ValueError("several Rasa servers share conversations only through Redis (REDIS_URL)")
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workers = workers
        self.application_api = f"http://127.0.0.1:{free_port()}"
        self.action_server = f"http://127.0.0.1:{free_port()}"
        self.rasa = [f"http://127.0.0.1:{free_port()}" for _ in range(workers)]
        self.gateway_ports = [free_port() for _ in range(workers)]
        self.gateways = [f"http://127.0.0.1:{port}" for port in self.gateway_ports]
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        env.update(
            {
                "DATA_DIR": str(self.workdir),
                "DATABASE_URL": f"sqlite:///{self.workdir / 'kb.sqlite3'}",
                "SEARCH_INDEX_DIR": str(self.workdir / "index"),
                "RASA_MODEL": str(MODEL),
                "RASA_URL": self.rasa[0],
                "ACTION_SERVER_URL": self.action_server,
                "APPLICATION_API_URL": self.application_api,
                "RASA_TELEMETRY_ENABLED": "false",
                **{name: os.environ.get(name, value) for name, value in ONE_ADDRESS_ENV.items()},
                # the sentence vectors `make index` computed (kept by text): a throwaway node embeds nothing anew
                "SEMANTIC_VECTORS_PATH": os.environ.get("SEMANTIC_VECTORS_PATH", str(ROOT / "var" / "vectors.sqlite3")),
                **(extra_env or {}),
            }
        )
        if redis_url:
            env["REDIS_URL"] = redis_url
        self.env = env
        self.procs: Dict[str, subprocess.Popen] = {}

    # -- start / stop -------------------------------------------------------------------------------------
    def cli(self, *args: str) -> str:
        return run_module(*args, env=self.env)

    def _spawn(self, name: str, service: str, **env: str) -> None:
        self.procs[name] = launch(
            python_module("launcher", service), self.workdir / f"{name}.log", env={**self.env, **env}
        )

    def _wait(self, ready: Dict[str, str], timeout: float) -> None:
        """Every process in `ready` answers 200 on its URL (they start meanwhile: one deadline for all)."""
        deadline = time.monotonic() + timeout
        for name, url in ready.items():
            wait_ready(
                self.procs[name],
                url,
                max(0.0, deadline - time.monotonic()),
                self.workdir / f"{name}.log",
                name,
                interval=0.5,
            )

    def start(self, timeout: float = 300) -> "Cluster":
        """Loads the knowledge base and builds the index (as the action server's container does), then
        starts the processes in dependency order; returns when every gateway's /healthz says 200."""
        assert MODEL.exists(), "run `make train` first (make test does)"
        started = time.monotonic()
        self.cli("knowledge", "load")
        self.cli("search", "build")
        try:
            self._spawn("reference-api", "reference-api")
            self._spawn("action-server", "action-server")
            self._wait(
                {"reference-api": self.application_api + "/healthz", "action-server": self.action_server + "/health"},
                timeout,
            )
            for i, url in enumerate(self.rasa):
                self._spawn(f"rasa-{i}", "rasa", RASA_URL=url)
            self._wait(
                {f"rasa-{i}": url + "/webhooks/gateway/" for i, url in enumerate(self.rasa)},
                max(30.0, timeout - (time.monotonic() - started)),
            )
            for i, (url, port) in enumerate(zip(self.rasa, self.gateway_ports, strict=True)):
                self._spawn(f"gateway-{i}", "gateway", RASA_URL=url, GATEWAY_PORT=str(port))
            self._wait(
                {f"gateway-{i}": url + "/healthz" for i, url in enumerate(self.gateways)},
                max(30.0, timeout - (time.monotonic() - started)),
            )
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 30.0) -> Dict[str, int]:
        """SIGTERM to every process group, then SIGKILL what is left; returns the exit codes."""
        return stop(self.procs, timeout)

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- inspection ---------------------------------------------------------------------------------------
    def log_tail(self, name: str, chars: int = 3000) -> str:
        return f"--- {name} ---\n" + log_tail(self.workdir / f"{name}.log", chars)

    def pids(self) -> Dict[str, int]:
        return {name: proc.pid for name, proc in self.procs.items() if proc.poll() is None}


def process_tree(pid: int) -> List[int]:
    """pid and its descendants (Linux /proc)."""
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    """Resident memory of one process in KiB (VmRSS now, VmHWM its peak so far); 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
