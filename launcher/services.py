"""The processes of the stack: how each is started and how to tell it is ready."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional
from urllib.parse import urlparse

from launcher.endpoints import write_endpoints
from settings import ROOT

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}  # 0.0.0.0: this container


@dataclass
class Service:
    name: str
    argv: List[str]
    ready_url: Optional[str]  # None: ready once it has run for a moment without exiting (no HTTP)
    ready_timeout: float = 60.0
    env: Dict[str, str] = field(default_factory=dict)
    needs: List[str] = field(default_factory=list)


def _host_port(url: str, default_port: int) -> tuple:
    parsed = urlparse(url)
    return parsed.hostname or "127.0.0.1", parsed.port or default_port


def _probe_host(host: str) -> str:
    """Where to check a service that listens on `host`: a wildcard address is reached on loopback."""
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host


def runs_reference_api(settings) -> bool:
    """The reference application API is started only when APPLICATION_API_URL points at this machine."""
    host, _ = _host_port(settings.application_api_url, 8100)
    return host in LOCAL_HOSTS


def build_services(settings) -> Dict[str, Service]:
    py = sys.executable
    services: Dict[str, Service] = {}
    if runs_reference_api(settings):
        host, port = _host_port(settings.application_api_url, 8100)
        services["reference-api"] = Service(
            "reference-api",
            [
                py,
                "-m",
                "devtools.reference_platform",
                "--host",
                host,
                "--port",
                str(port),
                "--db",
                str(settings.data_dir / "reference_api.sqlite3"),
            ],
            ready_url=f"http://{host}:{port}/healthz",
            # the service-to-service calls (the message push) then need the token the gateway sends
            env={"REFERENCE_API_SERVICE_TOKEN": settings.application_api_service_token or ""},
        )
    host, port = _host_port(settings.action_server_url, 5055)
    services["action-server"] = Service(
        "action-server",
        [py, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        ready_url=f"http://{_probe_host(host)}:{port}/health",
        ready_timeout=90,
        # SANIC_HOST: rasa_sdk's only way to choose the interface (default 0.0.0.0). Keep-alive longer than
        # the client's (Rasa's aiohttp keeps idle connections 15 s): with Sanic's 5 s default, a busy Rasa
        # sometimes reused a connection the server was closing, and that turn got no reply.
        env={"SANIC_HOST": host, "SANIC_KEEP_ALIVE_TIMEOUT": "75"},
    )
    services["outbox-worker"] = Service(
        "outbox-worker", [py, "-m", "actions.platform.outbox_worker"], ready_url=None, ready_timeout=5
    )
    host, port = _host_port(settings.rasa_url, 5005)
    endpoints = write_endpoints(settings, settings.data_dir / f"endpoints-{port}.yml")
    services["rasa"] = Service(
        "rasa",
        [
            py,
            "-m",
            "rasa_server",
            "run",
            *rasa_api_arguments(settings),
            "--interface",
            host,
            "--port",
            str(port),
            "--model",
            str(settings.model_path),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(ROOT / "bot" / "credentials.yml"),
            "--cors",
            "[]",
        ],
        ready_url=f"http://{host}:{port}/webhooks/gateway/",
        ready_timeout=180,
        needs=["action-server"],
    )
    services["gateway"] = Service(
        "gateway",
        [
            py,
            "-m",
            "uvicorn",
            "gateway.app:create_app",
            "--factory",
            "--ws",
            "none",
            "--host",
            settings.gateway_host,
            "--port",
            str(settings.gateway_port),
        ],
        ready_url=f"http://{_probe_host(settings.gateway_host)}:{settings.gateway_port}/healthz",
        ready_timeout=90,
        needs=["rasa"] + (["reference-api"] if "reference-api" in services else []),
    )
    return services


def rasa_api_arguments(settings) -> List[str]:
    """Rasa's own HTTP API (trackers, model, events) only with a token: anyone who reaches the port could
    otherwise read and rewrite every conversation. The gateway needs only the input channel."""
    if not settings.rasa_api_token:
        return []
    return ["--enable-api", "--auth-token", settings.rasa_api_token]


def child_environment(base: Dict[str, str]) -> Dict[str, str]:
    """What every child process runs with: the project root first on the path (our packages are not
    installed), no telemetry (no network here), quiet TensorFlow, and one OpenBLAS thread per process: each
    process serves many requests at once, and OpenBLAS's extra threads spin between the small products a
    request makes (the sentence-vector scores, the intent classifier), burning a core for nothing — 10 ms of
    CPU a turn in the action server (benchmarks/README.md). An operator's own OPENBLAS_NUM_THREADS is kept."""
    env = dict(base)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(ROOT)]
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *paths])
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return env


def ordered(services: Dict[str, Service]) -> List[List[Service]]:
    """Start waves: each wave's services need only what earlier waves started."""
    started: set = set()
    waves: List[List[Service]] = []
    remaining = dict(services)
    while remaining:
        wave = [s for s in remaining.values() if all(n in started or n not in services for n in s.needs)]
        if not wave:
            raise RuntimeError("服务之间存在循环依赖：" + ", ".join(remaining))
        waves.append(wave)
        for service in wave:
            started.add(service.name)
            del remaining[service.name]
    return waves


__all__ = ["Service", "build_services", "child_environment", "ordered", "runs_reference_api"]
