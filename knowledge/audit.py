"""The audit log: who changed what and when. Written in the same transaction as the change it records."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from knowledge.tables import audit

ACTION_NAMES = {
    "save_draft": "保存草稿",
    "request_delete": "申请删除",
    "submit": "提交审核",
    "publish": "审核发布",
    "reject": "退回修改",
    "withdraw": "撤销草稿",
    "rollback": "回滚到历史版本",
    "import": "批量导入",
    "staff_create": "新建工作人员令牌",
    "staff_revoke": "停用工作人员令牌",
    "unanswered_to_faq": "由未答问题生成 FAQ",
    "unanswered_ignore": "忽略未答问题",
    "live_hours": "设置人工服务时间",
    "live_hours_reset": "人工服务时间恢复为档案设置",
}


def record(
    conn: Connection, actor: str, role: str, action: str, kind: str = "", entry_id: str = "", **detail: Any
) -> None:
    conn.execute(
        audit.insert().values(
            at=dt.datetime.utcnow(),
            actor=actor,
            role=role,
            action=action,
            kind=kind,
            entry_id=entry_id,
            detail=json.dumps(detail, ensure_ascii=False, default=str),
        )
    )


def entries(
    store,
    kind: Optional[str] = None,
    entry_id: Optional[str] = None,
    actor: Optional[str] = None,
    action: Optional[str] = None,
    offset: int = 0,
    limit: int = 50,
) -> Tuple[int, List[Dict]]:
    """(total, rows) newest first."""
    where = []
    if kind:
        where.append(audit.c.kind == kind)
    if entry_id:
        where.append(audit.c.entry_id == entry_id)
    if actor:
        where.append(audit.c.actor == actor)
    if action:
        where.append(audit.c.action == action)
    with store.engine.connect() as conn:
        total = int(conn.execute(sa.select(sa.func.count()).select_from(audit).where(*where)).scalar_one())
        rows = conn.execute(sa.select(audit).where(*where).order_by(audit.c.seq.desc()).offset(offset).limit(limit))
        return total, [
            {
                "seq": r.seq,
                "at": r.at,
                "actor": r.actor,
                "role": r.role,
                "action": r.action,
                "action_name": ACTION_NAMES.get(r.action, r.action),
                "kind": r.kind,
                "entry_id": r.entry_id,
                "detail": json.loads(r.detail or "{}"),
            }
            for r in rows
        ]
