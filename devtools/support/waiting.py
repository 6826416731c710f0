"""Polling for what another thread or process does a little later (a server coming up, statistics, queued
deliveries, an index round): a condition instead of a fixed sleep."""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable, TypeVar

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


async def wait_until_async(
    check: Callable[[], Awaitable[T]], seconds: float = 5.0, what: str = "recorded", interval: float = 0.05
) -> T:
    """`wait_until` for a coroutine function, without blocking the event loop."""
    deadline = time.monotonic() + seconds
    while True:
        found = await check()
        if found:
            return found
        if time.monotonic() >= deadline:
            raise AssertionError(f"not {what} within {seconds} s")
        await asyncio.sleep(interval)
