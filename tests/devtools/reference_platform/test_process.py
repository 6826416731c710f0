"""The real process: `python -m devtools.reference_platform` served by uvicorn, driven over HTTP."""

from __future__ import annotations

import os

import httpx
import pytest

from devtools.reference_platform.__main__ import DEFAULT_DB, parse_args
from devtools.support.ports import free_port
from devtools.support.processes import launch, python_module, stop, wait_ready


@pytest.mark.processes
def test_real_process_serves_creates_over_http(tmp_path):
    port = free_port()
    db = tmp_path / "nested" / "folder" / "api.sqlite3"
    log = tmp_path / "reference-api.log"
    process = launch(
        python_module("devtools.reference_platform", "--host", "127.0.0.1", "--port", port, "--db", db), log
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(
            process,
            f"{base_url}/healthz",
            30,
            log,
            "the reference API",
            interval=0.1,
            ready=lambda response: response.json() == {"status": "ok"},
        )
        assert db.exists()
        with httpx.Client(base_url=base_url, timeout=10.0) as http:
            token = http.post("/auth/token", json={"user_id": "test-user"}).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "proc-1"}
            body = {"item_id": "SX-GJJ-001", "item_name": "住房公积金提取", "form": {"姓名": "测试用户"}}
            first = http.post("/applications", json=body, headers=headers)
            assert first.status_code == 201
            number = first.json()["application_no"]
            assert number.startswith("SX") and len(number) == 15
            assert first.json()["status"] == "待补充"
            assert first.json()["finish_link"] == f"sanjintong://application/{number}"
            again = http.post("/applications", json=body, headers=headers)
            assert (again.status_code, again.json()) == (201, first.json())
            listed = http.get("/applications", headers=headers).json()["items"]
            assert [a["application_no"] for a in listed] == [number]
            received = http.get("/_control/received").json()["items"]
            assert [(r["path"], r["idempotency_key"], r["status"]) for r in received] == [
                ("/applications", "proc-1", 201),
                ("/applications", "proc-1", 201),
            ]
            unauthorized = http.post("/applications", json=body)
            assert unauthorized.status_code == 401
            assert unauthorized.json() == {"detail": "身份令牌无效或已过期，请重新登录"}
    finally:
        stop(process, 10)
    assert process.returncode is not None


def test_cli_db_falls_back_to_env_then_default(monkeypatch):
    monkeypatch.delenv("REFERENCE_API_DB", raising=False)
    assert parse_args([]).db == DEFAULT_DB == "var/reference_api.sqlite3"
    assert (parse_args([]).host, parse_args([]).port) == ("127.0.0.1", 8100)
    monkeypatch.setenv("REFERENCE_API_DB", "/tmp/elsewhere.sqlite3")
    assert parse_args([]).db == "/tmp/elsewhere.sqlite3"
    assert parse_args(["--db", "x.sqlite3", "--port", "9001"]).db == "x.sqlite3"
    assert parse_args(["--port", "9001"]).port == 9001
    assert os.environ["REFERENCE_API_DB"] == "/tmp/elsewhere.sqlite3"
