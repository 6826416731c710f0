"""The running stack the channel and browser tests drive: the real processes (`python -m launcher`, as in
tests/stack) with the WeChat channels configured and Redis for the gateway's shared state, plus

- a fake WeChat API server *process* (WeChat's servers are outside the product), which records the
  customer-service messages and token requests it receives;
- two extra gateway processes (`python -m launcher gateway`) on the same Rasa and Redis whose reply
  deadline is 0 s: every Official Account answer there takes the late path (reply `success`, then the
  customer-service API), and the two share one access_token through the Redis lock.

One instance serves tests/channels and tests/web (reference-counted), so a full run starts it once."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import httpx
import redis

from tests.channels.wechat_client import (APPID, AES_KEY, MINI_AES_KEY, MINI_APPID, MINI_SECRET, MINI_TOKEN,
                                          SECRET, TOKEN)
from tests.stack.conftest import ROOT, Stack, free_port

REDIS_BASE = os.environ.get("TEST_CHANNELS_REDIS", "redis://127.0.0.1:6379")
REDIS_DB = 12  # Rasa's tracker and the gateway's keys; Rasa's locks in 13
FAKE_API = Path(__file__).with_name("fake_wechat_api.py")


def start_fake_wechat_api(log: Path, token_delay: float = 0.0) -> tuple:
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(FAKE_API), str(port), str(token_delay)],
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            httpx.get(url + "/_calls", timeout=1)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("fake WeChat API did not start:\n" + log.read_text())


class FakeWeChatApi:
    def __init__(self, url: str) -> None:
        self.url = url

    def reset(self) -> None:
        httpx.post(self.url + "/_reset", timeout=5)

    def expire_tokens(self) -> None:
        httpx.post(self.url + "/_expire", timeout=5)

    def calls(self) -> Dict:
        return httpx.get(self.url + "/_calls", timeout=5).json()

    def messages_to(self, openid: str) -> List[Dict]:
        return [m for m in self.calls()["messages"] if m["body"]["touser"] == openid]

    def wait_messages_to(self, openid: str, count: int, timeout: float = 30) -> List[Dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages_to(openid)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {count} customer-service messages to {openid}, got {self.messages_to(openid)}")


@dataclass
class Live:
    stack: Stack
    fake: FakeWeChatApi
    late_gateways: List[str]
    redis_url: str
    procs: List[subprocess.Popen] = field(default_factory=list)

    @property
    def gateway(self) -> str:
        return self.stack.gateway

    @property
    def rasa(self) -> str:
        return self.stack.env["RASA_URL"]

    def user_texts(self, sender: str) -> List[str]:
        """What Rasa received from this sender, from its tracker (the real conversation store)."""
        tracker = httpx.get(f"{self.rasa}/conversations/{sender}/tracker", timeout=10).json()
        return [e.get("text") for e in tracker.get("events", []) if e.get("event") == "user"]

    def user_events(self, sender: str) -> List[Dict]:
        tracker = httpx.get(f"{self.rasa}/conversations/{sender}/tracker", timeout=10).json()
        return [e for e in tracker.get("events", []) if e.get("event") == "user"]

    def gateway_log_events(self, event: str) -> List[Dict]:
        entries = []
        for line in (self.stack.workdir / "logs" / "gateway.log").read_text(encoding="utf-8").splitlines():
            if f'"event": "{event}"' in line:
                try:
                    entries.append(json.loads(line))
                except ValueError:
                    pass
        return entries


def _start_gateway(stack: Stack, extra: Dict[str, str], log: Path) -> tuple:
    port = free_port()
    env = {**stack.env, **extra, "GATEWAY_PORT": str(port)}
    proc = subprocess.Popen([sys.executable, "-m", "launcher", "gateway"], env=env, cwd=ROOT,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}"


def _wait_healthy(proc: subprocess.Popen, url: str, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "gateway exited:\n" + log.read_text()[-3000:]
        try:
            if httpx.get(url + "/healthz", timeout=3).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("extra gateway not healthy:\n" + log.read_text()[-3000:])


def start_live(workdir: Path) -> Live:
    client = redis.Redis.from_url(f"{REDIS_BASE}/{REDIS_DB}")
    try:
        client.ping()
    except redis.RedisError as exc:  # never skip: .ci/run starts Redis
        raise AssertionError(f"Redis at {REDIS_BASE} does not answer ({exc}); .ci/run starts one")
    for db in (REDIS_DB, REDIS_DB + 1):
        redis.Redis.from_url(f"{REDIS_BASE}/{db}").flushdb()
    fake_proc, fake_url = start_fake_wechat_api(workdir / "fake_wechat_api.log", token_delay=0.3)
    redis_url = f"{REDIS_BASE}/{REDIS_DB}"
    env = {
        "REDIS_URL": redis_url,
        "WECHAT_TOKEN": TOKEN, "WECHAT_APPID": APPID, "WECHAT_AES_KEY": AES_KEY, "WECHAT_APP_SECRET": SECRET,
        "MINIPROGRAM_TOKEN": MINI_TOKEN, "MINIPROGRAM_APPID": MINI_APPID, "MINIPROGRAM_AES_KEY": MINI_AES_KEY,
        "MINIPROGRAM_APP_SECRET": MINI_SECRET,
        "WECHAT_API_BASE": fake_url,
        "RATE_LIMIT_MESSAGES": "30",
    }
    stack = Stack(workdir, env)
    procs = [fake_proc]
    try:
        stack.start()
        late = []
        for n in range(2):
            log = workdir / f"late-gateway-{n}.log"
            proc, url = _start_gateway(stack, {"WECHAT_REPLY_DEADLINE_SECONDS": "0"}, log)
            procs.append(proc)
            late.append((proc, url, log))
        for proc, url, log in late:
            _wait_healthy(proc, url, log)
    except BaseException:
        for proc in procs:
            proc.kill()
        stack.stop()
        raise
    return Live(stack, FakeWeChatApi(fake_url), [url for _, url, _ in late], redis_url, procs)


def stop_live(live: Live) -> None:
    for proc in live.procs[1:]:  # the extra gateways: SIGTERM, as uvicorn expects
        proc.terminate()
    for proc in live.procs[1:]:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    code = live.stack.stop()
    live.procs[0].kill()
    assert code == 0, live.stack.log.read_text()[-4000:]


_shared: Dict[str, Optional[object]] = {"live": None, "users": 0}


def acquire(tmp_path_factory) -> Live:
    if _shared["live"] is None:
        _shared["live"] = start_live(tmp_path_factory.mktemp("channels-stack"))
    _shared["users"] += 1
    return _shared["live"]


def release() -> None:
    _shared["users"] -= 1
    if _shared["users"] == 0 and _shared["live"] is not None:
        live, _shared["live"] = _shared["live"], None
        stop_live(live)
