"""Fixtures shared by the whole suite: a small knowledge base written as a profile directory, the tests'
own Redis and PostgreSQL, the real stack, and the markers that `make unit` selects by.

PostgreSQL and Redis: by default the suite starts throwaway servers of its own (devtools/support/services.py:
PostgreSQL 18 and Redis 6.2 from pip-installed wheels, in a temporary directory, on free ports, started on
first use and stopped at the end of the session), so that the tests never depend on or pollute the machine's
services and pass the same on a fresh machine. TEST_POSTGRES_URL / TEST_REDIS_URL point them at an external
server instead. Child processes get the URLs in their environment (REDIS_URL, DATABASE_URL)."""

from __future__ import annotations

import gc
import os
import secrets
import sqlite3
import tempfile
import textwrap
from pathlib import Path

import pytest

from devtools.support.services import (
    ONE_ADDRESS_ENV,
    stop_suite_servers,
    suite_postgres_url,
    suite_redis_url,
    suite_servers_started,
)
from launcher.services import child_environment

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "knowledge" / "sample" / "shanxi"

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
# Rasa's HTTP API is on only with a token; the tests read trackers through it (devtools.support.services.rasa_api_params)
os.environ.setdefault("RASA_API_TOKEN", secrets.token_hex(16))
for _name, _value in ONE_ADDRESS_ENV.items():
    os.environ.setdefault(_name, _value)
# Child processes (`python -m launcher`, …) find our packages from the project root, as under make.
os.environ["PYTHONPATH"] = child_environment(dict(os.environ))["PYTHONPATH"]
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")


def _session_vectors() -> str:
    """A copy, for this test session, of the sentence vectors `make index` computed for the sample base (kept
    by text): every test's index and every process it starts share it, so only a test's own new phrasings
    are embedded, and what the tests embed (thousands of generated FAQs) never lands in var/."""
    target = Path(tempfile.mkdtemp(prefix="zhengwu-test-vectors-")) / "vectors.sqlite3"
    source = ROOT / "var" / "vectors.sqlite3"
    if source.exists():
        with sqlite3.connect(str(source)) as src, sqlite3.connect(str(target)) as dst:
            src.backup(dst)  # consistent even if the WAL holds rows not yet checkpointed
    return str(target)


if "SEMANTIC_VECTORS_PATH" not in os.environ:
    os.environ["SEMANTIC_VECTORS_PATH"] = _session_vectors()

MINI_PROFILE = {
    "profile.yml": """
        province: 山西省
        platform: 三晋通
        hotline: "12345"
        link_schemes: [sanjintong]
        login_link: "sanjintong://login?from=chatbot"
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


def import_benchmark(name: str):
    """A script of benchmarks/ as a module (they import each other by bare name, so the folder goes on the path
    for the import only)."""
    import importlib
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def write_profile(directory: Path, files: dict = MINI_PROFILE) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    return directory


def no_default_addresses(monkeypatch) -> None:
    """Rasa, the action server and the platform API at free ports nothing listens on, for code that reads
    its settings from the environment in this process: never the defaults (5005, 5055, 8100), where a
    `make run` stack may be answering. A test that needs one of them sets it after this."""
    from devtools.support.ports import unused_url

    for name in ("RASA_URL", "ACTION_SERVER_URL", "APPLICATION_API_URL"):
        monkeypatch.setenv(name, unused_url())


@pytest.fixture
def mini_profile(tmp_path) -> Path:
    return write_profile(tmp_path / "profile")


def loaded_template(root: Path, files: dict = MINI_PROFILE) -> Path:
    """`files` written as a profile under root/profile, loaded into root/kb.sqlite3 and indexed in
    root/index: a template that `copy_loaded` hands out to each test."""
    from knowledge.store import KnowledgeStore
    from knowledge.sync import sync_profile
    from search.index import build_index

    store = KnowledgeStore(f"sqlite:///{root / 'kb.sqlite3'}")
    sync_profile(write_profile(root / "profile", files), store)
    build_index(store, root / "index")
    (root / "latest_change").write_text(str(store.latest_change()))
    store.engine.dispose()  # the last connection closed: SQLite folds its WAL into the file
    return root


def copy_loaded(template: Path, database: Path, index_dir: Path = None) -> None:
    """The template's database (and index) copied to `database` (and `index_dir`), unless already there.
    Loading the same profile into that database afterwards is then a no-op (sync_profile compares the
    profile's fingerprint): the same files as loading and indexing would give, in a fraction of the time
    (YAML parsing and indexing are most of a small test's cost)."""
    import shutil

    if not database.exists():
        for suffix in ("", "-wal", "-shm"):
            if (template / f"kb.sqlite3{suffix}").exists():
                shutil.copyfile(template / f"kb.sqlite3{suffix}", f"{database}{suffix}")
    if index_dir is not None and not index_dir.exists():
        shutil.copytree(template / "index", index_dir)


@pytest.fixture(scope="session")
def mini_template(tmp_path_factory) -> Path:
    """The mini knowledge base loaded and indexed once per session (see `copy_loaded`)."""
    return loaded_template(tmp_path_factory.mktemp("mini-template"))


@pytest.fixture
def mini_store(tmp_path, mini_profile, mini_template):
    from knowledge.store import KnowledgeStore
    from knowledge.sync import sync_profile

    copy_loaded(mini_template, tmp_path / "kb.sqlite3")
    store = KnowledgeStore(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    sync_profile(mini_profile, store)  # a no-op on the copy: the same profile is already loaded
    return store


@pytest.fixture
def mini_index(tmp_path, mini_store, mini_template) -> Path:
    """The mini store's index, as `build_index(mini_store, tmp_path / "index")` gives it."""
    index_dir = tmp_path / "index"
    unchanged = mini_store.latest_change() == int((mini_template / "latest_change").read_text())
    if unchanged and Path(mini_store.url.replace("sqlite:///", "", 1)) == tmp_path / "kb.sqlite3":
        copy_loaded(mini_template, tmp_path / "kb.sqlite3", index_dir)
    else:
        from search.index import build_index

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


def __getattr__(name: str) -> str:
    """TEST_REDIS_URL / TEST_POSTGRES_URL as module constants (`from tests.conftest import TEST_REDIS_URL`),
    computed on first use: the tests' own server starts only when a test needs it. Fixtures
    (`test_redis_url`, `redis_client`, `postgres_engine`) are the usual way."""
    if name == "TEST_REDIS_URL":
        return suite_redis_url()
    if name == "TEST_POSTGRES_URL":
        return suite_postgres_url()
    raise AttributeError(name)


# -- markers: `make unit` runs what needs no service -----------------------------------------------------
SERVICE_MARKERS = ("stack", "redis", "postgres", "processes", "browser")


def needs(*markers: str):
    """Declares what a fixture needs (markers from SERVICE_MARKERS); every test that uses the fixture,
    directly or through other fixtures, gets those markers. Put it under @pytest.fixture:

        @pytest.fixture(scope="session")
        @needs("processes", "redis")
        def live(...): ...

    Tests that start processes or servers themselves carry the marker in their module (pytestmark)."""
    unknown = set(markers) - set(SERVICE_MARKERS)
    assert not unknown, unknown

    def declare(function):
        function.service_markers = frozenset(markers)
        return function

    return declare


def pytest_collection_modifyitems(config, items):
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        for name in getattr(item, "fixturenames", ()):
            defs = info.name2fixturedefs.get(name) if info else None
            for marker in sorted(getattr(defs[-1].func, "service_markers", ()) if defs else ()):
                item.add_marker(marker)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("db_url") == "postgresql":
            item.add_marker("postgres")
        if item.get_closest_marker("stack"):  # the stack is processes, always
            item.add_marker("processes")


def pytest_collection_finish(session):
    """Collection imported Rasa, TensorFlow and spaCy: millions of long-lived objects that every full garbage
    collection would walk again, which made the set-up of a small test (an app, a store) up to twice as
    slow. They are moved out of the collector's sight (gc.freeze); what the tests allocate is collected as
    usual."""
    gc.collect()
    gc.freeze()


def pytest_unconfigure(config):
    stop_suite_servers()


def pytest_terminal_summary(terminalreporter):
    started = suite_servers_started()
    if started:
        terminalreporter.write_line(
            "the tests' own servers: "
            + ", ".join(f"{name} started in {seconds:.2f} s" for name, seconds in sorted(started.items()))
        )


@pytest.fixture(scope="session")
@needs("redis")
def test_redis_url() -> str:
    """redis://…/10 on the tests' own Redis (or TEST_REDIS_URL's server and database)."""
    return suite_redis_url()


@pytest.fixture(scope="session")
@needs("redis")
def redis_client(test_redis_url):
    import redis

    client = redis.Redis.from_url(test_redis_url)
    try:
        client.ping()
    except redis.RedisError as exc:  # never skip: the suite starts its own server unless told otherwise
        pytest.fail(
            f"Redis at {test_redis_url} does not answer ({exc}); unset TEST_REDIS_URL to let the tests start their own",
            pytrace=False,
        )
    return client


# -- the real stack, one per test session (tests/stack/conftest.py has the Stack class) ---------------

STACK_ADMIN_TOKEN = "test-only-admin-token-0123456789"


@pytest.fixture(scope="session")
@needs("stack", "processes")
def stack(tmp_path_factory):
    """The stack with embedded defaults (no Redis), as `make run` starts it on a fresh machine; shared by
    every test package that only talks to it (stack, dialogue, fuzz, admin, search)."""
    from tests.stack.conftest import Stack

    running = Stack(tmp_path_factory.mktemp("stack"), {"STAFF_ADMIN_TOKEN": STACK_ADMIN_TOKEN}).start()
    yield running
    assert running.stop() == 0, running.log.read_text()[-4000:]


@pytest.fixture(scope="session")
@needs("stack", "processes", "redis")
def redis_stack(tmp_path_factory, redis_client, test_redis_url):
    """The stack with REDIS_URL: Rasa's tracker and lock store in Redis (databases N and N+1)."""
    import redis

    from tests.stack.conftest import Stack

    base, db = test_redis_url.rsplit("/", 1)
    for n in (int(db), int(db) + 1):
        redis.Redis.from_url(f"{base}/{n}").flushdb()
    running = Stack(tmp_path_factory.mktemp("redis-stack"), {"REDIS_URL": test_redis_url}).start()
    yield running
    assert running.stop() == 0, running.log.read_text()[-4000:]
