"""Starting, waiting for and stopping the processes that tests and benchmarks run (`python -m launcher`,
single services, the reference API, fake external servers, CLIs).

Every process gets a session (and so a process group) of its own: stopping it reaches what it started too,
through the launcher's own `stop_process_groups` (SIGTERM to the group, SIGKILL after the timeout), and a
Ctrl-C in the terminal reaches pytest only, which then stops them in order."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence, Union

import httpx

from launcher.supervisor import stop_process_groups

ROOT = Path(__file__).resolve().parents[2]


class ProcessFailed(RuntimeError):
    """A process exited while it was expected to come up, or did not answer in time."""


def python_module(module: str, *args: object) -> list:
    """argv of `python -m module args…` with this interpreter."""
    return [sys.executable, "-m", module, *map(str, args)]


def launch(
    argv: Sequence[object], log: Optional[Path] = None, env: Optional[Mapping[str, str]] = None, cwd: Path = ROOT
) -> subprocess.Popen:
    """Starts argv in its own session, stdin closed, stdout and stderr appended to `log` (or discarded)."""
    out = open(log, "ab") if log is not None else subprocess.DEVNULL
    try:
        return subprocess.Popen(
            [str(a) for a in argv],
            env=dict(env) if env is not None else None,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        if log is not None:
            out.close()  # the child has its own descriptor


def run_module(*args: object, env: Optional[Mapping[str, str]] = None, timeout: float = 300, cwd: Path = ROOT) -> str:
    """Runs `python -m args…` to the end (a CLI: `knowledge load`, `search build`); returns its stdout,
    fails with its output when it exits non-zero."""
    done = subprocess.run(
        python_module(*args),
        env=dict(env) if env is not None else None,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise ProcessFailed(
            f"python -m {' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return done.stdout


def log_tail(path: Optional[Path], chars: int = 3000) -> str:
    if path is None or not Path(path).exists():
        return ""
    return Path(path).read_text(encoding="utf-8", errors="replace")[-chars:]


def wait_ready(
    proc: subprocess.Popen,
    url: str,
    timeout: float = 120,
    log: Optional[Path] = None,
    what: Optional[str] = None,
    ready: Callable[[httpx.Response], bool] = None,
    interval: float = 0.2,
) -> float:
    """Polls `url` until `ready(response)` (default: status 200) while `proc` runs; returns the seconds it
    took. Fails with the log's tail when the process exits first or after `timeout`."""
    ready = ready or (lambda response: response.status_code == 200)
    what = what or url
    started = time.monotonic()
    while True:
        if proc.poll() is not None:
            raise ProcessFailed(f"{what} exited ({proc.returncode}) before answering:\n{log_tail(log)}")
        try:
            if ready(httpx.get(url, timeout=2)):
                return time.monotonic() - started
        except (httpx.HTTPError, ValueError):
            pass
        if time.monotonic() - started > timeout:
            raise ProcessFailed(f"{what} not ready within {timeout:.0f} s ({url}):\n{log_tail(log)}")
        time.sleep(interval)


def stop(procs: Union[subprocess.Popen, Mapping[str, subprocess.Popen], None], timeout: float = 30):
    """SIGTERM to each process's group, SIGKILL to what is left after `timeout`; the exit code (one
    process) or the exit codes by name (a mapping). A process that has already exited is just reaped."""
    if procs is None:
        return 0
    for proc in [procs] if isinstance(procs, subprocess.Popen) else procs.values():
        _check_own_group(proc)
    if isinstance(procs, subprocess.Popen):
        return stop_process_groups({"process": procs}, timeout)["process"]
    return stop_process_groups(dict(procs), timeout)


def _check_own_group(proc: subprocess.Popen) -> None:
    """stop_process_groups signals the process's group: a process outside `launch()` (no session of its
    own) would not be reached, and waiting for it would never end."""
    if proc.poll() is not None:
        return
    try:
        own = os.getpgid(proc.pid) == proc.pid
    except ProcessLookupError:
        return
    if not own:
        raise ValueError(f"process {proc.pid} has no process group of its own: start it with launch()")


def kill(proc: subprocess.Popen) -> int:
    """SIGKILL to the process's group, as a crash or the OOM killer would: no shutdown handler runs."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:  # already gone
        pass
    return proc.wait()


def signal_group(proc: subprocess.Popen, sig: int) -> None:
    """Sends `sig` to the process's group (e.g. SIGSTOP / SIGCONT to freeze a service)."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


__all__ = [
    "ROOT",
    "ProcessFailed",
    "python_module",
    "launch",
    "run_module",
    "log_tail",
    "wait_ready",
    "stop",
    "kill",
    "signal_group",
]
