"""Staff tokens on SQLite and PostgreSQL: stored hashed, roles, revocation, the bootstrap admin."""

from __future__ import annotations

import sqlalchemy as sa

from knowledge import audit
from knowledge.staff import BOOTSTRAP_NAME, StaffMember, StaffRegistry, allowed, hash_token
from knowledge.tables import staff_tokens

ADMIN = StaffMember("王管理", "admin", 1)


def test_tokens_are_stored_only_as_hashes_and_identify_their_holder(make_store):
    store = make_store()
    registry = StaffRegistry(store)
    member, token = registry.create("张编辑", "editor", ADMIN)
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(staff_tokens)).one()
    assert stored.token_hash == hash_token(token) and token not in str(tuple(stored))
    assert len(token) > 40
    assert registry.authenticate(token) == StaffMember("张编辑", "editor", member.token_id)
    assert registry.authenticate(token + "x") is None and registry.authenticate("") is None
    assert registry.revoke(member.token_id, ADMIN)
    assert registry.authenticate(token) is None
    assert not registry.revoke(member.token_id, ADMIN)
    assert [row["action"] for row in audit.entries(store)[1]] == ["staff_revoke", "staff_create"]


def test_bootstrap_admin_comes_from_the_setting_and_is_not_stored(make_store):
    store = make_store()
    registry = StaffRegistry(store, bootstrap_token="s3cret-bootstrap")
    assert registry.authenticate("s3cret-bootstrap") == StaffMember(BOOTSTRAP_NAME, "admin")
    assert StaffRegistry(store).authenticate("s3cret-bootstrap") is None
    assert registry.members() == []


def test_roles_include_the_ones_below():
    table = {
        role: [p for p in ("live_chat", "read", "edit", "publish", "audit", "manage_staff") if allowed(role, p)]
        for role in ("agent", "editor", "reviewer", "admin")
    }
    assert table == {
        "agent": ["live_chat"],  # the agents' console only: no knowledge-base API
        "editor": ["live_chat", "read", "edit"],
        "reviewer": ["live_chat", "read", "edit", "publish", "audit"],
        "admin": ["live_chat", "read", "edit", "publish", "audit", "manage_staff"],
    }
