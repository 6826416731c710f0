"""Runs the services: start in waves, wait until each answers, report a death, stop all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional

import httpx

from launcher.services import Service, child_environment, ordered


class StartupFailed(RuntimeError):
    pass


class Supervisor:
    def __init__(self, services: Dict[str, Service], log_dir: Path, echo: bool = True) -> None:
        self.services = services
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.echo = echo
        self.procs: Dict[str, subprocess.Popen] = {}
        self._stopping = threading.Event()

    def _pump(self, name: str, proc: subprocess.Popen) -> None:
        with open(self.log_dir / f"{name}.log", "a", encoding="utf-8") as log:
            for raw in iter(proc.stdout.readline, b""):
                line = raw.decode("utf-8", errors="replace")
                log.write(line)
                log.flush()
                if self.echo:
                    sys.stdout.write(f"[{name}] {line}")
                    sys.stdout.flush()

    def _start(self, service: Service) -> None:
        env = child_environment({**os.environ, **service.env})
        proc = subprocess.Popen(
            service.argv,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.procs[service.name] = proc
        threading.Thread(target=self._pump, args=(service.name, proc), daemon=True).start()

    def _wait_ready(self, service: Service) -> None:
        if service.ready_url is None:
            time.sleep(min(2.0, service.ready_timeout))
            proc = self.procs[service.name]
            if proc.poll() is not None:
                raise StartupFailed(
                    f"{service.name} 启动失败（退出码 {proc.returncode}），"
                    f"日志见 {self.log_dir / (service.name + '.log')}"
                )
            return
        deadline = time.monotonic() + service.ready_timeout
        while time.monotonic() < deadline:
            proc = self.procs[service.name]
            if proc.poll() is not None:
                raise StartupFailed(
                    f"{service.name} 启动失败（退出码 {proc.returncode}），"
                    f"日志见 {self.log_dir / (service.name + '.log')}"
                )
            try:
                if httpx.get(service.ready_url, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise StartupFailed(
            f"{service.name} 在 {service.ready_timeout:.0f} 秒内未就绪（{service.ready_url}），"
            f"日志见 {self.log_dir / (service.name + '.log')}"
        )

    def start_all(self) -> None:
        for wave in ordered(self.services):
            for service in wave:
                print(f"启动 {service.name} …", flush=True)
                self._start(service)
            for service in wave:
                self._wait_ready(service)
                print(f"{service.name} 已就绪" + (f"：{service.ready_url}" if service.ready_url else ""), flush=True)

    def watch(self) -> int:
        """Blocks until a process dies (reported, exit 1) or a stop is asked (exit 0)."""
        while not self._stopping.is_set():
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    print(
                        f"进程 {name} 意外退出（退出码 {proc.returncode}），正在停止其余进程；"
                        f"日志见 {self.log_dir / (name + '.log')}",
                        file=sys.stderr,
                        flush=True,
                    )
                    return 1
            self._stopping.wait(0.5)
        return 0

    def request_stop(self, *_args) -> None:
        self._stopping.set()

    def stop_all(self, timeout: float = 15.0) -> None:
        stop_process_groups(self.procs, timeout)


def stop_process_groups(procs: Dict[str, subprocess.Popen], timeout: float) -> Dict[str, int]:
    """SIGTERM to each process's group (the service and what it started), SIGKILL to what is still there
    after `timeout` seconds; returns the exit codes by name."""
    for proc in procs.values():
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + timeout
    codes = {}
    for name, proc in procs.items():
        try:
            codes[name] = proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            codes[name] = proc.wait()
    return codes


def run_stack(services: Dict[str, Service], log_dir: Path, banner: Optional[List[str]] = None) -> int:
    supervisor = Supervisor(services, log_dir)
    signal.signal(signal.SIGINT, supervisor.request_stop)
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    try:
        supervisor.start_all()
        for line in banner or []:
            print(line, flush=True)
        code = supervisor.watch()
    except StartupFailed as exc:
        print(f"启动失败：{exc}", file=sys.stderr, flush=True)
        code = 1
    finally:
        print("正在停止所有进程 …", flush=True)
        supervisor.stop_all()
        print("已全部停止。", flush=True)
    return code
