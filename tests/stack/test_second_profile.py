"""Issue #16: a second province's profile (knowledge/sample/yunnan: 一部手机办事通) runs on the same code, and no
word of another profile reaches a citizen. Real processes (gateway → Rasa → action server → reference platform)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from devtools.support.cluster import Cluster
from devtools.support.processes import ROOT

pytestmark = pytest.mark.stack

OTHER_PROFILES = ("三晋通", "山西", "太原", "sanjintong", "我的宁夏", "宁夏", "银川", "wdnx")


@pytest.fixture(scope="module")
def yunnan(tmp_path_factory):
    env = {"KB_PROFILE_DIR": str(ROOT / "knowledge" / "sample" / "yunnan")}
    cluster = Cluster(tmp_path_factory.mktemp("yunnan"), extra_env=env).start()
    yield cluster
    cluster.stop()


def _say(cluster, sender: str, text: str, **extra) -> dict:
    body = {"sender_id": sender, "text": text, **extra}
    response = httpx.post(cluster.gateways[0] + "/api/chat", json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def _said(reply: dict) -> str:
    return "\n".join(str(m.get("text", "")) + " " + str(m.get("url", "")) for m in reply["messages"])


def test_the_yunnan_platform_speaks_for_itself_and_for_no_other(yunnan):
    sender = "yn-" + uuid.uuid4().hex[:8]
    handoff = _say(yunnan, sender, "我要转人工")
    login = _say(yunnan, "yn-" + uuid.uuid4().hex[:8], "我要预约补办身份证")
    guide = _say(yunnan, "yn-" + uuid.uuid4().hex[:8], "身份证丢了怎么补办", region="昆明市")
    page = httpx.get(yunnan.gateways[0] + "/api/search", params={"q": "身份证补办"}, timeout=30).json()

    assert "办事通" in _said(handoff) and "12345" in _said(handoff), _said(handoff)
    links = [m for m in login["messages"] if m["type"] == "link"]
    assert links and links[0]["url"].startswith("ynbst://login"), login
    assert guide["sources"] and guide["sources"][0]["id"] == "ga-idcard-reissue", guide
    assert "昆明" in _said(guide), _said(guide)
    everything = "\n".join(_said(r) for r in (handoff, login, guide)) + str(page)
    leaked = [word for word in OTHER_PROFILES if word in everything]
    assert not leaked, (leaked, everything)
