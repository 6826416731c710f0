"""Typed dependencies of the staff admin API: its services, the current staff member, role checks.

Every /admin route depends on `current_staff` (attached to the whole admin router), and declares the
permission it needs with `allow(...)`, which also writes the lowest role into the OpenAPI schema as
`x-required-role` (the auth-scan test reads it).
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from typing import Callable, Dict, Optional

from fastapi import Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from knowledge.staff import PERMISSIONS, ROLE_NAMES, ROLES, StaffMember, StaffRegistry
from knowledge.store import KnowledgeStore
from knowledge.workflow import Workflow, WorkflowError

UNAUTHENTICATED = "未登录：请在请求头 Authorization: Bearer <令牌> 中提供工作人员令牌"
INVALID_TOKEN = "工作人员令牌无效或已停用"
MIN_BOOTSTRAP_LENGTH = 24
# Upper bound of every number in an /admin path, query or body (PostgreSQL `integer`): a larger one could
# only fail in the database (a 500), so it is refused as bad input.
MAX_INT = 2_147_483_647
logger = logging.getLogger(__name__)
_lock = threading.Lock()


@dataclass
class AdminServices:
    store: KnowledgeStore
    staff: StaffRegistry
    workflow: Workflow
    settings: object


def services(request: Request) -> AdminServices:
    """Created on first use from the gateway's resources (its store and settings)."""
    state = request.app.state
    found = getattr(state, "admin_services", None)
    if found is None:
        with _lock:
            found = getattr(state, "admin_services", None)
            if found is None:
                res = state.resources
                token = res.settings.staff_admin_token
                if token and len(token) < MIN_BOOTSTRAP_LENGTH:
                    logger.warning(
                        "STAFF_ADMIN_TOKEN 少于 %d 个字符，容易被猜中；正式部署请换用长随机串", MIN_BOOTSTRAP_LENGTH
                    )
                found = AdminServices(
                    store=res.store,
                    staff=StaffRegistry(res.store, res.settings.staff_admin_token),
                    workflow=Workflow(res.store),
                    settings=res.settings,
                )
                state.admin_services = found
    return found


_bearer = HTTPBearer(auto_error=False, description="工作人员令牌（管理员创建；或 STAFF_ADMIN_TOKEN）")


def current_staff(
    request: Request,
    credentials: Optional[HTTPAuthorizationCredentials] = Depends(_bearer),
    admin: AdminServices = Depends(services),
) -> StaffMember:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise HTTPException(401, UNAUTHENTICATED, headers={"WWW-Authenticate": "Bearer"})
    member = admin.staff.authenticate(credentials.credentials)
    if member is None:
        raise HTTPException(401, INVALID_TOKEN, headers={"WWW-Authenticate": "Bearer"})
    request.state.staff = member
    return member


def _roles_from(role: str) -> str:
    return "或".join(ROLE_NAMES[r] for r in ROLES[ROLES.index(role) :])


def require(permission: str, message: Optional[str] = None) -> Callable[..., StaffMember]:
    needed = PERMISSIONS[permission]

    def check(member: StaffMember = Depends(current_staff)) -> StaffMember:
        if not member.can(permission):
            raise HTTPException(
                403, message or f"权限不足：此操作需要{_roles_from(needed)}角色（您是{member.role_name}）"
            )
        return member

    return check


def allow(permission: str, message: Optional[str] = None, **extra) -> Dict:
    """Route keyword arguments: the permission check and its role in the OpenAPI schema."""
    return {
        "dependencies": [Depends(require(permission, message))],
        "openapi_extra": {"x-required-role": PERMISSIONS[permission]},
        **extra,
    }


def error_response(exc: WorkflowError) -> JSONResponse:
    body: Dict = {"detail": exc.message}
    if exc.problems:
        body["errors"] = [p if isinstance(p, dict) else {"field": p[0], "reason": p[1]} for p in exc.problems]
    return JSONResponse(body, status_code=exc.status)


def workflow_errors(endpoint: Callable) -> Callable:
    """Turns the knowledge base's refusals (not found, conflict, forbidden, invalid) into Chinese 4xx."""

    @functools.wraps(endpoint)
    def wrapper(*args, **kwargs):
        try:
            return endpoint(*args, **kwargs)
        except WorkflowError as exc:
            return error_response(exc)

    return wrapper
