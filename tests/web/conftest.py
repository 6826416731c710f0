"""The browser tests drive the same live stack as tests/channels (started once per run, Shanxi: the default
profile), and a second real stack on the Ningxia profile (knowledge/sample/ningxia: 长辈模式 with high
contrast and reading aloud), started the way tests/conftest.py starts `stack`."""

from __future__ import annotations

import pytest

from tests.channels import live as live_stack
from tests.channels.live_desk import agent_token as new_agent
from tests.conftest import ROOT, needs

NINGXIA = ROOT / "knowledge" / "sample" / "ningxia"


@pytest.fixture(scope="session")
@needs("stack", "processes", "redis")
def live(tmp_path_factory):
    instance = live_stack.acquire(tmp_path_factory)
    yield instance
    live_stack.release()


@pytest.fixture
def agent_token(live, request):
    """An agent's token on the live stack, named by the test module's AGENT; off duty and revoked afterwards."""
    with new_agent(live.gateway, request.module.AGENT) as token:
        yield token


@pytest.fixture(scope="module")
@needs("stack", "processes")
def ningxia_stack(tmp_path_factory):
    """`python -m launcher` (reference API, action server, Rasa, gateway) with KB_PROFILE_DIR=ningxia."""
    from tests.stack.conftest import Stack

    running = Stack(tmp_path_factory.mktemp("ningxia-stack"), {"KB_PROFILE_DIR": str(NINGXIA)}).start()
    yield running
    assert running.stop() == 0, running.log.read_text()[-4000:]
