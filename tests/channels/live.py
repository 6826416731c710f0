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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import httpx
import redis

from devtools.support.ports import free_port
from devtools.support.processes import launch, python_module, stop, wait_ready
from devtools.support.services import rasa_api_params, suite_redis_url
from devtools.support.waiting import wait_until
from tests.channels.wechat_client import (
    AES_KEY,
    APPID,
    MINI_AES_KEY,
    MINI_APPID,
    MINI_SECRET,
    MINI_TOKEN,
    SECRET,
    TOKEN,
)
from tests.conftest import STACK_ADMIN_TOKEN
from tests.stack.conftest import Stack

REDIS_DB = 12  # Rasa's tracker and the gateway's keys; Rasa's locks in 13
FAKE_API = Path(__file__).with_name("fake_wechat_api.py")


def redis_base() -> str:
    """TEST_CHANNELS_REDIS (redis://host:port) when set, else the tests' Redis (tests/conftest.py)."""
    return os.environ.get("TEST_CHANNELS_REDIS") or suite_redis_url(REDIS_DB).rsplit("/", 1)[0]


def start_fake_wechat_api(log: Path, token_delay: float = 0.0) -> tuple:
    port = free_port()
    proc = launch([sys.executable, FAKE_API, port, token_delay], log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(proc, url + "/_calls", 20, log, "the fake WeChat API", interval=0.1)
    except BaseException:
        stop(proc, 5)
        raise
    return proc, url


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
        try:
            return wait_until(
                lambda: (lambda found: found if len(found) >= count else None)(self.messages_to(openid)),
                timeout,
                f"{count} customer-service messages to {openid}",
                interval=0.1,
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}: got {self.messages_to(openid)}") from None


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
        tracker = httpx.get(f"{self.rasa}/conversations/{sender}/tracker", params=rasa_api_params(), timeout=10).json()
        return [e.get("text") for e in tracker.get("events", []) if e.get("event") == "user"]

    def user_events(self, sender: str) -> List[Dict]:
        tracker = httpx.get(f"{self.rasa}/conversations/{sender}/tracker", params=rasa_api_params(), timeout=10).json()
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
    return launch(python_module("launcher", "gateway"), log, env=env), f"http://127.0.0.1:{port}"


def start_live(workdir: Path) -> Live:
    base = redis_base()
    client = redis.Redis.from_url(f"{base}/{REDIS_DB}")
    try:
        client.ping()
    except redis.RedisError as exc:  # never skip
        raise AssertionError(f"Redis at {base} does not answer ({exc})") from exc
    for db in (REDIS_DB, REDIS_DB + 1):
        redis.Redis.from_url(f"{base}/{db}").flushdb()
    fake_proc, fake_url = start_fake_wechat_api(workdir / "fake_wechat_api.log", token_delay=0.3)
    redis_url = f"{base}/{REDIS_DB}"
    env = {
        "REDIS_URL": redis_url,
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_APPID": APPID,
        "WECHAT_AES_KEY": AES_KEY,
        "WECHAT_APP_SECRET": SECRET,
        "MINIPROGRAM_TOKEN": MINI_TOKEN,
        "MINIPROGRAM_APPID": MINI_APPID,
        "MINIPROGRAM_AES_KEY": MINI_AES_KEY,
        "WECHAT_ALLOW_PLAIN": "true",  # the live tests send plain and safe-mode messages
        "MINIPROGRAM_APP_SECRET": MINI_SECRET,
        "WECHAT_API_BASE": fake_url,
        "RATE_LIMIT_MESSAGES": "30",
        "STAFF_ADMIN_TOKEN": STACK_ADMIN_TOKEN,  # the live-agent tests create agents and set service hours
        # the reference server then refuses a message push without it: the 离线留言 test's push proves it is sent
        "APPLICATION_API_SERVICE_TOKEN": "test-only-service-token",
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
            wait_ready(proc, url + "/healthz", 120, log, "an extra gateway", interval=0.5)
    except BaseException:
        stop(dict(enumerate(procs)), 10)
        stack.stop()
        raise
    return Live(stack, FakeWeChatApi(fake_url), [url for _, url, _ in late], redis_url, procs)


def stop_live(live: Live) -> None:
    stop(dict(enumerate(live.procs[1:])), 30)  # the extra gateways: SIGTERM, as uvicorn expects
    code = live.stack.stop()
    stop(live.procs[0], 5)  # the fake WeChat API
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
