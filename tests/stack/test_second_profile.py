"""Issue #16: the other provinces' profiles (knowledge/sample/yunnan: 一部手机办事通; knowledge/sample/ningxia:
我的宁夏) run on the same code, and no word of another profile reaches a citizen — neither in what the actions
render nor in what Rasa says itself (greeting, goodbye). Real processes (gateway → Rasa → action server →
reference platform)."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from devtools.support.cluster import Cluster
from devtools.support.processes import ROOT

pytestmark = pytest.mark.stack

WORDS = {
    "shanxi": ("三晋通", "山西", "太原", "sanjintong"),
    "yunnan": ("办事通", "云南", "昆明", "ynbst"),
    "ningxia": ("我的宁夏", "宁夏", "银川", "wdnx"),
}
PROFILES = {
    # platform as said, login link, city of the guide's place
    "yunnan": ("办事通", "ynbst://login", "昆明市"),
    "ningxia": ("我的宁夏", "wdnx://login", "银川市"),
}


@pytest.fixture(scope="module")
def yunnan(tmp_path_factory):
    env = {"KB_PROFILE_DIR": str(ROOT / "knowledge" / "sample" / "yunnan")}
    cluster = Cluster(tmp_path_factory.mktemp("yunnan"), extra_env=env).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def ningxia(tmp_path_factory):
    env = {"KB_PROFILE_DIR": str(ROOT / "knowledge" / "sample" / "ningxia")}
    cluster = Cluster(tmp_path_factory.mktemp("ningxia"), extra_env=env).start()
    yield cluster
    cluster.stop()


def _say(cluster, sender: str, text: str, **extra) -> dict:
    body = {"sender_id": sender, "text": text, **extra}
    response = httpx.post(cluster.gateways[0] + "/api/chat", json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def _said(reply: dict) -> str:
    return "\n".join(str(m.get("text", "")) + " " + str(m.get("url", "")) for m in reply["messages"])


def _speaks_for_itself(cluster, profile: str) -> None:
    platform, login_link, city = PROFILES[profile]
    new = lambda: profile[:2] + "-" + uuid.uuid4().hex[:8]  # noqa: E731
    handoff = _say(cluster, new(), "我要转人工")
    login = _say(cluster, new(), "我要预约补办身份证")
    guide = _say(cluster, new(), "身份证丢了怎么补办", region=city)
    greeting = _say(cluster, new(), "你好")  # the profile's greeting, rendered by the action
    goodbye = _say(cluster, new(), "再见")  # said by Rasa itself from a rule: {hotline} from the profile slot
    page = httpx.get(cluster.gateways[0] + "/api/search", params={"q": "身份证补办"}, timeout=30).json()
    welcome = httpx.get(cluster.gateways[0] + "/web/api/welcome", timeout=30).json()

    assert platform in _said(handoff) and "12345" in _said(handoff), _said(handoff)
    links = [m for m in login["messages"] if m["type"] == "link"]
    assert links and links[0]["url"].startswith(login_link), login
    assert guide["sources"] and guide["sources"][0]["id"] == "ga-idcard-reissue", guide
    assert city[:2] in _said(guide), _said(guide)
    assert platform in _said(greeting), _said(greeting)
    assert "12345" in _said(goodbye) and "{hotline}" not in _said(goodbye), _said(goodbye)
    assert platform in welcome["messages"][0]["text"], welcome
    everything = "\n".join(_said(r) for r in (handoff, login, guide, greeting, goodbye)) + str(page) + str(welcome)
    others = [w for name, words in WORDS.items() if name != profile for w in words]
    leaked = [word for word in others if word in everything]
    assert not leaked, (leaked, everything)
    assert not re.findall(r"\{[a-z_]+\}", everything), everything  # no unfilled {variable}


def test_the_yunnan_platform_speaks_for_itself_and_for_no_other(yunnan):
    _speaks_for_itself(yunnan, "yunnan")


def test_the_ningxia_platform_speaks_for_itself_and_for_no_other(ningxia):
    _speaks_for_itself(ningxia, "ningxia")
