"""The browser tests drive the same live stack as tests/channels (started once per run)."""

from __future__ import annotations

import pytest

from tests.channels import live as live_stack
from tests.conftest import needs


@pytest.fixture(scope="session")
@needs("stack", "processes", "redis")
def live(tmp_path_factory):
    instance = live_stack.acquire(tmp_path_factory)
    yield instance
    live_stack.release()
