"""Starts the real stack — `python -m launcher`: reference API, action server, Rasa, gateway — as
separate processes on free ports, with its own knowledge database and index, loaded by the real CLIs.
The session-wide `stack` and `redis_stack` fixtures built from it are in tests/conftest.py, so that every
test package shares one of each."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Optional

import httpx

from devtools.support.ports import free_port
from devtools.support.processes import ROOT, launch, python_module, run_module, stop, wait_ready

MODEL = ROOT / "var" / "models" / "bot.tar.gz"


class Stack:
    def __init__(self, workdir: Path, extra_env: dict) -> None:
        self.workdir = workdir
        ports = {name: free_port() for name in ("gateway", "rasa", "actions", "api")}
        self.gateway = f"http://127.0.0.1:{ports['gateway']}"
        self.application_api = f"http://127.0.0.1:{ports['api']}"
        self.env = {
            **os.environ,
            "DATA_DIR": str(workdir),
            "DATABASE_URL": f"sqlite:///{workdir / 'kb.sqlite3'}",
            "SEARCH_INDEX_DIR": str(workdir / "index"),
            "RASA_MODEL": str(MODEL),
            "GATEWAY_PORT": str(ports["gateway"]),
            "RASA_URL": f"http://127.0.0.1:{ports['rasa']}",
            "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['actions']}",
            "APPLICATION_API_URL": self.application_api,
            **extra_env,
        }
        self.env.pop("REDIS_URL", None) if "REDIS_URL" not in extra_env else None
        self.log = workdir / "launcher.log"
        self.proc = None

    def cli(self, *args: str) -> str:
        return run_module(*args, env=self.env)

    def start(self, timeout: float = 300) -> "Stack":
        assert MODEL.exists(), "run `make train` first (make test does)"
        self.cli("knowledge", "load")
        self.cli("search", "build")
        self.proc = launch(python_module("launcher"), self.log, env=self.env)
        wait_ready(self.proc, self.gateway + "/healthz", timeout, self.log, "the stack (launcher)", interval=0.5)
        return self

    def chat(self, sender: str, text: str, token: Optional[str] = None, **extra) -> httpx.Response:
        """`token`: the citizen's identity token (sent as the Authorization header), for personal records."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = {"sender_id": sender, "text": text, **extra}
        return httpx.post(self.gateway + "/api/chat", json=body, headers=headers, timeout=60)

    def conversation(self, prefix: str):
        """say(text, **extra) in one new conversation: asserts 200 and returns the contract reply."""
        sender = prefix + uuid.uuid4().hex[:10]

        def say(text, **extra):
            response = self.chat(sender, text, **extra)
            assert response.status_code == 200, response.text
            return response.json()

        return say

    def stop(self) -> int:
        """SIGTERM to the launcher (it stops its services, as on Ctrl-C); its exit code."""
        return stop(self.proc, 60)
