"""Walks every /admin route of the app's OpenAPI schema: none answers without a valid staff token, and
each refuses the roles below the one it declares (x-required-role) while that role gets through."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute

from gateway.routes.admin.deps import INVALID_TOKEN, UNAUTHENTICATED
from knowledge.staff import ROLES
from tests.admin.conftest import bearer

PATH_VALUES = {
    "entry_id": "faq-ga-001",
    "number": "1",
    "group_id": "1",
    "token_id": "999",
    "session_id": "1",
    "ticket_id": "1",
}


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)


def admin_operations(app) -> list:
    schema = app.openapi()
    return [
        (path, method.upper(), op)
        for path, methods in schema["paths"].items()
        if path.startswith("/admin")
        for method, op in methods.items()
    ]


def call(client, method: str, path: str, headers: dict):
    body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    return client.request(method, concrete(path), headers=headers, **body)


def test_the_schema_lists_every_admin_route(client):
    in_schema = {(path, method) for path, method, _ in admin_operations(client.app)}
    registered = {
        (route.path.replace(":path}", "}"), method)  # ids may hold "/": OpenAPI shows the plain parameter
        for route in client.app.routes
        if isinstance(route, APIRoute) and route.path.startswith("/admin")
        for method in route.methods
    }
    assert registered == in_schema
    assert len(in_schema) >= 80


def test_no_admin_route_answers_without_a_valid_token(client, tokens):
    revoked = client.post(
        "/admin/staff", json={"name": "离职人员", "role": "admin"}, headers=bearer(tokens["admin"])
    ).json()
    assert client.delete(f"/admin/staff/{revoked['id']}", headers=bearer(tokens["admin"])).status_code == 200
    attempts = [
        ({}, UNAUTHENTICATED),
        ({"Authorization": "Bearer "}, UNAUTHENTICATED),
        ({"Authorization": f"Basic {tokens['admin']}"}, UNAUTHENTICATED),
        (bearer("not-a-token"), INVALID_TOKEN),
        (bearer(revoked["token"]), INVALID_TOKEN),
    ]
    checked = 0
    for path, method, _ in admin_operations(client.app):
        for headers, detail in attempts:
            response = call(client, method, path, headers)
            assert response.status_code == 401, (method, path, headers, response.text)
            assert response.json() == {"detail": detail}, (method, path)
            assert response.headers["www-authenticate"] == "Bearer"
            checked += 1
    assert checked >= 400


def test_roles_are_enforced_on_every_admin_route(client, tokens):
    by_role = {"agent": 0, "editor": 0, "reviewer": 0, "admin": 0}
    for path, method, op in admin_operations(client.app):
        required = op.get("x-required-role")
        assert required in ROLES, (method, path)
        by_role[required] += 1
        for role in ROLES[: ROLES.index(required)]:
            response = call(client, method, path, bearer(tokens[role]))
            assert response.status_code == 403, (role, method, path, response.text)
            assert response.json()["detail"].startswith(("权限不足", "编辑不能发布")), response.text
        response = call(client, method, path, bearer(tokens[required]))
        assert response.status_code not in (401, 403), (required, method, path, response.text)
    assert (
        by_role["editor"] >= 40 and by_role["reviewer"] >= 10 and by_role["admin"] == 5
    )  # staff: 3; live hours: PUT, DELETE
    assert by_role["agent"] >= 12  # the agents' console (/admin/live) and nothing else
