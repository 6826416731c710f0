"""Fixtures of the fuzz tests: one real gateway process (uvicorn over real HTTP) with its own database and
index of the suite's small knowledge base, the staff admin token and both WeChat accounts configured, and
Rasa not running (what reaches Rasa gets the clear 503); and the full stack for the valid-but-weird chats.

Hypothesis runs derandomized (tests.fuzz.strategies.FUZZ) with a fixed number of examples per test, so CI
sends the same inputs on every run; raise `max_examples` locally to explore further."""

from __future__ import annotations

import httpx
import pytest

from tests.admin.gateway_process import GatewayProcess
from tests.channels.wechat_client import AES_KEY, APPID, MINI_AES_KEY, MINI_APPID, MINI_TOKEN, TOKEN, WeChatSide
from tests.conftest import needs, write_profile

ADMIN_TOKEN = "fuzz-admin-token-0123456789abcdef"
ALLOWED_ORIGIN = "https://m.example.gov.cn"
UNAVAILABLE_HINT = "12345"  # what the clear 503 says when Rasa is down (gateway.channels.chat_service.UNAVAILABLE)


class FuzzGateway(GatewayProcess):
    """The gateway alone; `client` keeps one HTTP connection pool for the many fuzz requests."""

    def __init__(self, workdir) -> None:
        super().__init__(workdir, f"sqlite:///{workdir / 'kb.sqlite3'}", ADMIN_TOKEN)
        self.env.update(
            {
                "WECHAT_TOKEN": TOKEN,
                "WECHAT_APPID": APPID,
                "WECHAT_AES_KEY": AES_KEY,
                "MINIPROGRAM_TOKEN": MINI_TOKEN,
                "MINIPROGRAM_APPID": MINI_APPID,
                "MINIPROGRAM_AES_KEY": MINI_AES_KEY,
                "WECHAT_ALLOW_PLAIN": "true",  # the fuzz families send plain and safe-mode messages
                "RASA_TIMEOUT_SECONDS": "2",
                "CORS_ORIGINS": ALLOWED_ORIGIN,
                "STAFF_IMPORT_MAX_MB": "1",
            }
        )
        self.env.pop("WECHAT_APP_SECRET", None)
        self.env.pop("MINIPROGRAM_APP_SECRET", None)
        self.client = httpx.Client(base_url=self.url, timeout=30)

    def log_text(self, start: int = 0) -> str:
        with open(self.log, "rb") as f:
            f.seek(start)
            return f.read().decode("utf-8", errors="replace")

    def log_size(self) -> int:
        return self.log.stat().st_size

    @property
    def admin(self) -> dict:
        return self.headers


@pytest.fixture(scope="session")
@needs("processes")
def gateway(tmp_path_factory):
    from knowledge.store import KnowledgeStore
    from knowledge.sync import sync_profile
    from search.index import build_index

    workdir = tmp_path_factory.mktemp("fuzz-gateway")
    gw = FuzzGateway(workdir)
    # The suite's small knowledge base, loaded and indexed in this process (no CLI start-up): quick.
    profile = write_profile(workdir / "profile")
    gw.env["KB_PROFILE_DIR"] = str(profile)
    store = KnowledgeStore(gw.env["DATABASE_URL"])
    sync_profile(profile, store)
    build_index(store, gw.index_dir)
    store.engine.dispose()
    gw.start()
    yield gw
    gw.client.close()
    gw.stop()


@pytest.fixture
def gw(gateway):
    """The gateway, checked after the test: nothing it was sent made it log an unhandled exception."""
    start = gateway.log_size()
    yield gateway
    assert gateway.proc.poll() is None, "the gateway died:\n" + gateway.log_text(start)[-3000:]
    new = gateway.log_text(start)
    assert "Traceback" not in new and "Exception in ASGI application" not in new, new[-4000:]


@pytest.fixture(scope="session")
def wechat(gateway) -> WeChatSide:
    return WeChatSide(gateway.url)


@pytest.fixture(scope="session")
def mini(gateway) -> WeChatSide:
    return WeChatSide(gateway.url, "/wechat/miniprogram", MINI_TOKEN, MINI_APPID, MINI_AES_KEY)
