"""The gateway app with the admin API over the mini knowledge base, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from devtools.support.ports import unused_url
from tests.knowledge.databases import (  # noqa: F401
    db_url,
    kb,
    make_store,
    open_stores,
    postgres_engine,
    postgres_url,
    test_postgres_url,
)

BOOTSTRAP = "bootstrap-admin-token-for-tests"


@pytest.fixture
def settings(tmp_path, kb, db_url):
    from settings import Settings

    # No background index sync here: these tests are about the admin API; tests/admin/test_index_consistency.py
    # runs the gateway process with its sync loop.
    return Settings(
        data_dir=tmp_path,
        database_url=db_url,
        search_index_dir=tmp_path / "gateway-index",
        staff_admin_token=BOOTSTRAP,
        index_sync_interval_seconds=0,
        rasa_url=unused_url(),
        action_server_url=unused_url(),
        application_api_url=unused_url(),
    )


@pytest.fixture
def client(settings):
    from gateway.app import create_app

    app = create_app(settings)
    with TestClient(app) as test_client:
        yield test_client
    app.state.resources.store.engine.dispose()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens(client) -> dict:
    """A token per role, made by the bootstrap admin through the API; plus the bootstrap's own."""
    out = {"bootstrap": BOOTSTRAP}
    for name, role in (("赵坐席", "agent"), ("张编辑", "editor"), ("李审核", "reviewer"), ("王管理", "admin")):
        response = client.post("/admin/staff", json={"name": name, "role": role}, headers=bearer(BOOTSTRAP))
        assert response.status_code == 201, response.text
        out[role] = response.json()["token"]
    return out


@pytest.fixture
def as_role(client, tokens):
    """as_role("editor").get(...) — the client with that role's token."""

    class Caller:
        def __init__(self, role: str) -> None:
            self.headers = bearer(tokens[role])

        def __getattr__(self, method):
            def call(url, **kwargs):
                headers = {**self.headers, **kwargs.pop("headers", {})}
                return getattr(client, method)(url, headers=headers, **kwargs)

            return call

    return Caller
