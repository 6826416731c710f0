"""Loopback ports for the processes and servers that tests and benchmarks start."""

from __future__ import annotations

import socket


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (the kernel's pick). Another process can take it before it
    is used: callers that bind it themselves retry on "address in use"."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def unused_url(scheme: str = "http") -> str:
    """The address of a service that is not running: a free port on loopback (never a default port such as
    5005 or 8000, where a `make run` stack may be listening)."""
    return f"{scheme}://127.0.0.1:{free_port()}"
