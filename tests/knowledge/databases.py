"""Database fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL is the server at TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test); each
test gets a schema of its own with a unique name, dropped afterwards, so parallel runs do not collide.
When PostgreSQL does not answer the tests fail: CI and the development machines run one.
"""
from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import pytest
import sqlalchemy as sa

TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")


def with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def postgres_engine():
    engine = sa.create_engine(TEST_POSTGRES_URL, future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {TEST_POSTGRES_URL} does not answer ({exc.orig}); "
                    f"start it or set TEST_POSTGRES_URL", pytrace=False)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_engine):
    """A fresh, uniquely named schema; the URL selects it for every connection."""
    schema = f"kbtest_{uuid.uuid4().hex[:12]}"
    with postgres_engine.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield with_search_path(TEST_POSTGRES_URL, schema)
    with postgres_engine.connect() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A URL of an empty knowledge database: SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    return request.getfixturevalue("postgres_url")


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
def kb(make_store, mini_profile):
    """The mini knowledge base (tests/conftest.py) loaded into the database under test."""
    from knowledge.sync import sync_profile

    store = make_store()
    sync_profile(mini_profile, store)
    return store
