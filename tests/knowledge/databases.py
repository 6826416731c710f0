"""Database fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL is the tests' own throwaway server (started on first use, see tests/conftest.py), or the one at
TEST_POSTGRES_URL when that is set; each test gets a schema of its own with a unique name, dropped
afterwards, so parallel runs do not collide. When PostgreSQL does not answer the tests fail, never skip.
"""

from __future__ import annotations

import multiprocessing
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from devtools.support.services import suite_postgres_url
from tests.conftest import copy_loaded, needs

BACKENDS = ("sqlite", "postgresql")


def with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
@needs("postgres")
def test_postgres_url() -> str:
    return suite_postgres_url()


@pytest.fixture(scope="session")
@needs("postgres")
def postgres_engine(test_postgres_url):
    engine = sa.create_engine(test_postgres_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL at {test_postgres_url} does not answer ({exc.orig}); unset TEST_POSTGRES_URL "
            f"to let the tests start their own",
            pytrace=False,
        )
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_engine, test_postgres_url):
    """A fresh, uniquely named schema; the URL selects it for every connection."""
    schema = f"kbtest_{uuid.uuid4().hex[:12]}"
    with postgres_engine.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield with_search_path(test_postgres_url, schema)
    with postgres_engine.connect() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A URL of an empty knowledge database: SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(params=BACKENDS)
def new_database_urls(request, tmp_path):
    """Six URLs of empty databases, for tests that start processes on a new database again and again: SQLite
    files, then PostgreSQL schemas (dropped afterwards)."""
    count = 6
    if request.param == "sqlite":
        yield [f"sqlite:///{tmp_path / f'new-{n}.sqlite3'}" for n in range(count)]
        return
    engine, url = request.getfixturevalue("postgres_engine"), request.getfixturevalue("test_postgres_url")
    schemas = [f"kbnew_{uuid.uuid4().hex[:12]}" for _ in range(count)]
    with engine.connect() as conn:
        for schema in schemas:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield [with_search_path(url, schema) for schema in schemas]
    with engine.connect() as conn:
        for schema in schemas:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def run_at_once(target, url: str, processes: int = 4) -> list:
    """Runs `target(url, barrier, results)` in `processes` forked processes that start together at the barrier
    (several services starting on one database); each puts one outcome on `results`. Every process must exit
    cleanly; returns the outcomes, sorted."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(processes), context.Queue()
    started = [context.Process(target=target, args=(url, barrier, results)) for _ in range(processes)]
    for process in started:
        process.start()
    for process in started:
        process.join(60)
    outcomes = sorted(results.get(timeout=5) for _ in range(processes))
    assert [p.exitcode for p in started] == [0] * processes, outcomes
    return outcomes


@pytest.fixture
def open_stores():
    """Stores opened by a test, closed (connections returned) at its end."""
    opened = []
    yield opened
    for store in opened:
        store.engine.dispose()


@pytest.fixture
def make_store(db_url, open_stores):
    from knowledge.store import KnowledgeStore

    def make(url: str = None):
        store = KnowledgeStore(url or db_url)
        open_stores.append(store)
        return store

    return make


@pytest.fixture
def kb(make_store, mini_profile, db_url, mini_template):
    """The mini knowledge base (tests/conftest.py) loaded into the database under test."""
    from knowledge.sync import sync_profile

    if db_url.startswith("sqlite:///"):  # a copy of the loaded template: the load below is then a no-op
        copy_loaded(mini_template, Path(db_url[len("sqlite:///") :]))
    store = make_store()
    sync_profile(mini_profile, store)
    return store
