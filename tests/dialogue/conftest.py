"""End-to-end dialogue tests drive the real stack (gateway → Rasa with the trained model → action server)
through /api/chat; the shared `stack` fixture comes from tests/conftest.py."""

import pytest


@pytest.fixture
def talk(stack):
    """talk(text, **extra) in one conversation; returns the contract reply."""
    return stack.conversation("dlg-")


def texts(reply):
    return [m["text"] for m in reply["messages"]]


def buttons(reply):
    return [b for m in reply["messages"] for b in m.get("buttons", [])]
