"""Polling for what another thread or process writes a little later (statistics, queued deliveries)."""
from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")


def wait_until(check: Callable[[], T], seconds: float = 5.0, what: str = "recorded", interval: float = 0.05) -> T:
    """Calls `check` until it returns something truthy, and returns that; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() >= deadline:
            raise AssertionError(f"not {what} within {seconds} s")
        time.sleep(interval)
