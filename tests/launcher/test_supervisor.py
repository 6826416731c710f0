"""The supervisor with real (tiny) processes: start order, readiness, a death reported, Ctrl-C stops all."""

import queue
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time

import httpx
import pytest

from devtools.support.ports import free_port
from launcher.services import Service
from launcher.supervisor import StartupFailed, Supervisor

pytestmark = pytest.mark.processes


def http_service(name, port, needs=()):
    return Service(
        name,
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        ready_url=f"http://127.0.0.1:{port}/",
        ready_timeout=20,
        needs=list(needs),
    )


def test_starts_in_order_reports_death_and_stops_everything(tmp_path):
    a, b = free_port(), free_port()
    supervisor = Supervisor({"b": http_service("b", b, needs=["a"]), "a": http_service("a", a)}, tmp_path, echo=False)
    try:
        supervisor.start_all()
        assert httpx.get(f"http://127.0.0.1:{a}/").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{b}/").status_code == 200
        supervisor.procs["a"].kill()
        assert supervisor.watch() == 1
    finally:
        supervisor.stop_all()
    assert all(p.poll() is not None for p in supervisor.procs.values())


def test_a_process_that_exits_fails_startup_with_its_log(tmp_path):
    broken = Service(
        "broken",
        [sys.executable, "-c", "print('boom'); raise SystemExit(3)"],
        ready_url=f"http://127.0.0.1:{free_port()}/",
        ready_timeout=10,
    )
    supervisor = Supervisor({"broken": broken}, tmp_path, echo=False)
    try:
        supervisor.start_all()
        raise AssertionError("startup should have failed")
    except StartupFailed as exc:
        assert "broken 启动失败（退出码 3）" in str(exc)
    finally:
        supervisor.stop_all()
    assert "boom" in (tmp_path / "broken.log").read_text(encoding="utf-8")


def test_sigint_stops_the_whole_stack(tmp_path):
    port_a, port_b = free_port(), free_port()
    script = textwrap.dedent(f"""
        import sys
        from launcher.services import Service
        from launcher.supervisor import run_stack
        def svc(name, port):
            return Service(name, [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                           ready_url=f"http://127.0.0.1:{{port}}/", ready_timeout=20)
        sys.exit(run_stack({{"a": svc("a", {port_a}), "b": svc("b", {port_b})}}, r"{tmp_path}", ["READY"]))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: "queue.Queue[str]" = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    seen = []
    deadline = time.monotonic() + 40
    while "READY" not in seen and time.monotonic() < deadline:
        try:
            seen.append(lines.get(timeout=1).strip())
        except queue.Empty:
            assert proc.poll() is None, seen
    assert "READY" in seen, seen
    proc.send_signal(signal.SIGINT)
    assert proc.wait(30) == 0
    for port in (port_a, port_b):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still served after Ctrl-C"
