"""End-to-end dialogue tests drive the real stack (gateway → Rasa with the trained model → action server)
through /api/chat; the shared `stack` fixture comes from tests/conftest.py."""
import uuid

import pytest



@pytest.fixture
def talk(stack):
    """talk(text, **extra) in one conversation; returns the contract reply."""
    sender = "dlg-" + uuid.uuid4().hex[:10]

    def say(text, **extra):
        response = stack.chat(sender, text, **extra)
        assert response.status_code == 200, response.text
        return response.json()

    return say


def texts(reply):
    return [m["text"] for m in reply["messages"]]


def buttons(reply):
    return [b for m in reply["messages"] for b in m.get("buttons", [])]
