"""Work that must never delay or break a reply (statistics, the unanswered queue): run in a worker thread,
failures logged, never shown to the citizen."""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

logger = logging.getLogger(__name__)


def in_background(work: Callable[[], None], description: str) -> None:
    def guarded() -> None:
        try:
            work()
        except Exception:
            logger.exception("%s failed", description)

    asyncio.get_running_loop().run_in_executor(None, guarded)
