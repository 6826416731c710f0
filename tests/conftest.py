"""Fixtures shared by the whole suite: a small knowledge base written as a profile directory."""
from __future__ import annotations

import os
import socket
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "knowledge" / "sample" / "shanxi"

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/10")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
# Child processes (`python -m launcher`, …) find our packages from the project root, as under make.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(ROOT)]])
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

MINI_PROFILE = {
    "profile.yml": """
        province: 山西省
        platform: 三晋通
        hotline: "12345"
        cities:
          - name: 太原市
            counties: [{name: 小店区}, {name: 迎泽区}]
          - name: 大同市
            counties: [{name: 平城区}]
    """,
    "departments.yml": """
        - {id: ga, name: 山西省公安厅, hotline: "12345"}
        - {id: rs, name: 山西省人力资源和社会保障厅, hotline: "12333"}
    """,
    "synonyms.yml": """
        - {official: 居民身份证, colloquial: [身份证, 身分证]}
        - {official: 社会保障卡, colloquial: [社保卡]}
    """,
    "items/ga.yml": """
        - id: ga-idcard-reissue
          name: 居民身份证补领
          aliases: [补办身份证, 身份证丢了]
          department: ga
          conditions: 居民身份证丢失的，应当向户籍所在地或居住地公安机关申请补领。
          materials:
            - {name: 居民户口簿, form: 原件, e_license_exempt: true}
          steps: [到窗口提交申请, 现场采集照片和指纹, 缴费, 领取证件]
          legal_time_limit: 60个工作日
          promised_time_limit: 20个工作日
          fee: 20元
          places:
            - {region: "*", address: 户籍所在地县级公安机关户政窗口, hours: 工作日 9:00-17:00}
            - {region: 太原市, address: 太原市政务服务中心二楼公安窗口, hours: 工作日 9:00-17:00, phone: "0351-0000000"}
          hotline: "12345"
          online: {available: true, channel: 三晋通APP, link: "sanjintong://item/ga-idcard-reissue"}
          cross_province: true
          updated_at: 2026-09-01
    """,
    "items/rs.yml": """
        - id: rs-sscard-apply
          name: 社会保障卡申领
          aliases: [办社保卡]
          department: rs
          conditions: 参加社会保险的人员可申领社会保障卡。
          materials:
            - {name: 居民身份证, form: 原件, e_license_exempt: true}
          steps: [提交申请, 制卡, 领卡]
          legal_time_limit: 20个工作日
          promised_time_limit: 10个工作日
          fee: 不收费
          places:
            - {region: "*", address: 各合作银行网点, hours: 工作日 9:00-17:00}
          hotline: "12333"
          online: {available: true, channel: 三晋通APP, link: "sanjintong://item/rs-sscard-apply"}
          updated_at: 2026-09-01
    """,
    "faqs/ga.yml": """
        - id: faq-ga-001
          question: 补办身份证要多少钱
          similar_questions: [身份证补办费用, 补身份证收费吗]
          answer: 补领居民身份证收取工本费20元。
          items: [ga-idcard-reissue]
          department: ga
          keywords: [身份证, 收费]
    """,
    "packages.yml": """
        - id: pk-newborn
          name: 新生儿出生一件事
          description: 出生医学证明、落户、医保参保一次办。
          items: [ga-idcard-reissue, rs-sscard-apply]
          online: {available: true, channel: 三晋通APP, link: "sanjintong://package/pk-newborn"}
          updated_at: 2026-09-01
    """,
    "apps.yml": """
        - id: app-sscard-query
          name: 社保查询
          description: 查询社保缴费记录与个人权益。
          department: rs
          link: "sanjintong://app/app-sscard-query"
          updated_at: 2026-09-01
    """,
}


def write_profile(directory: Path, files: dict = MINI_PROFILE) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    return directory


@pytest.fixture
def mini_profile(tmp_path) -> Path:
    return write_profile(tmp_path / "profile")


@pytest.fixture
def mini_store(tmp_path, mini_profile):
    from knowledge.store import KnowledgeStore
    from knowledge.sync import sync_profile

    store = KnowledgeStore(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    sync_profile(mini_profile, store)
    return store


@pytest.fixture
def mini_index(tmp_path, mini_store) -> Path:
    from search.index import build_index

    index_dir = tmp_path / "index"
    build_index(mini_store, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """The shipped sample knowledge base, loaded and indexed in a temporary place."""
    from knowledge.store import KnowledgeStore
    from knowledge.sync import sync_profile
    from search.index import build_index

    tmp = tmp_path_factory.mktemp("sample")
    store = KnowledgeStore(f"sqlite:///{tmp / 'kb.sqlite3'}")
    sync_profile(SAMPLE_DIR, store)
    build_index(store, tmp / "index")
    return tmp / "index"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_client():
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:  # never skip: CI starts a Redis server, so this is a real failure
        pytest.fail(f"Redis at {TEST_REDIS_URL} does not answer ({exc}); .ci/run starts one")
    return client


# -- the real stack, one per test session (tests/stack/conftest.py has the Stack class) ---------------

STACK_ADMIN_TOKEN = "test-only-admin-token-0123456789"


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The stack with embedded defaults (no Redis), as `make run` starts it on a fresh machine; shared by
    every test package that only talks to it (stack, dialogue, fuzz, admin, search)."""
    from tests.stack.conftest import Stack

    running = Stack(tmp_path_factory.mktemp("stack"), {"STAFF_ADMIN_TOKEN": STACK_ADMIN_TOKEN}).start()
    yield running
    assert running.stop() == 0, running.log.read_text()[-4000:]


@pytest.fixture(scope="session")
def redis_stack(tmp_path_factory, redis_client):
    """The stack with REDIS_URL: Rasa's tracker and lock store in Redis."""
    import redis

    from tests.stack.conftest import Stack

    db = int(TEST_REDIS_URL.rsplit("/", 1)[1])
    for n in (db, db + 1):
        redis.Redis.from_url(TEST_REDIS_URL.rsplit("/", 1)[0] + f"/{n}").flushdb()
    running = Stack(tmp_path_factory.mktemp("redis-stack"), {"REDIS_URL": TEST_REDIS_URL}).start()
    yield running
    assert running.stop() == 0, running.log.read_text()[-4000:]
