"""Staff members, their roles and bearer tokens (stored only as SHA-256 hashes).

Roles, each including the one before it:
    agent     在线客服坐席：接待转人工的会话、答复离线留言（只用坐席工作台，不能读写知识库管理接口）
    editor    + 读取、编辑草稿、提交审核、导入草稿、查看未答问题与统计
    reviewer  + 审核发布、退回、回滚、直接发布的导入、查看审计日志
    admin     + 管理工作人员令牌
An editor cannot publish: every change an editor makes is published by a reviewer or an admin.
The bootstrap admin's token comes from STAFF_ADMIN_TOKEN and is never stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import sqlalchemy as sa

from knowledge import audit
from knowledge.tables import staff_tokens

ROLES = ("agent", "editor", "reviewer", "admin")
ROLE_NAMES = {"agent": "坐席", "editor": "编辑", "reviewer": "审核员", "admin": "管理员"}
_RANK = {role: rank for rank, role in enumerate(ROLES)}

PERMISSIONS: Dict[str, str] = {
    "live_chat": "agent",
    "read": "editor",
    "edit": "editor",
    "publish": "reviewer",
    "audit": "reviewer",
    "manage_staff": "admin",
}
"""Each permission and the lowest role that has it."""

BOOTSTRAP_NAME = "内置管理员"
TOKEN_PREFIX = "kbs_"


@dataclass(frozen=True)
class StaffMember:
    name: str
    role: str
    token_id: Optional[int] = None  # None: the bootstrap admin

    def can(self, permission: str) -> bool:
        return allowed(self.role, permission)

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]


def allowed(role: str, permission: str) -> bool:
    return _RANK[role] >= _RANK[PERMISSIONS[permission]]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class StaffRegistry:
    """Looks up who holds a token; creates and revokes tokens."""

    def __init__(self, store, bootstrap_token: Optional[str] = None) -> None:
        self.store = store
        self._bootstrap_hash = hash_token(bootstrap_token) if bootstrap_token else None

    def authenticate(self, token: str) -> Optional[StaffMember]:
        if not token:
            return None
        digest = hash_token(token)
        if self._bootstrap_hash and hmac.compare_digest(digest, self._bootstrap_hash):
            return StaffMember(BOOTSTRAP_NAME, "admin")
        with self.store.engine.connect() as conn:
            row = conn.execute(
                sa.select(staff_tokens.c.id, staff_tokens.c.name, staff_tokens.c.role).where(
                    staff_tokens.c.token_hash == digest, staff_tokens.c.revoked_at.is_(None)
                )
            ).first()
        return StaffMember(row.name, row.role, row.id) if row else None

    def create(self, name: str, role: str, by: StaffMember) -> Tuple[StaffMember, str]:
        """A new token for `name` with `role`; the token itself is returned once and never stored."""
        if role not in ROLES:
            raise ValueError(f"角色只能是 {'、'.join(ROLES)}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.store.transaction(entries_lock=False) as conn:
            token_id = conn.execute(
                staff_tokens.insert().values(
                    name=name,
                    role=role,
                    token_hash=hash_token(token),
                    created_at=dt.datetime.utcnow(),
                    created_by=by.name,
                )
            ).inserted_primary_key[0]
            audit.record(conn, by.name, by.role, "staff_create", member=name, member_role=role, token_id=token_id)
        return StaffMember(name, role, token_id), token

    def revoke(self, token_id: int, by: StaffMember) -> bool:
        with self.store.transaction(entries_lock=False) as conn:
            done = conn.execute(
                staff_tokens.update()
                .where(staff_tokens.c.id == token_id, staff_tokens.c.revoked_at.is_(None))
                .values(revoked_at=dt.datetime.utcnow())
            ).rowcount
            if done:
                audit.record(conn, by.name, by.role, "staff_revoke", token_id=token_id)
        return bool(done)

    def members(self) -> List[Dict]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(staff_tokens).order_by(staff_tokens.c.id))
            return [
                {
                    "id": r.id,
                    "name": r.name,
                    "role": r.role,
                    "role_name": ROLE_NAMES.get(r.role, r.role),
                    "created_at": r.created_at,
                    "created_by": r.created_by,
                    "revoked_at": r.revoked_at,
                }
                for r in rows
            ]
