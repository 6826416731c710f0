"""Issue #17: app links with `javascript:` were accepted by the admin API and served by /api/chat. Links are
now allow-listed: `https` or one of the profile's app schemes (`link_schemes`)."""

from __future__ import annotations

import pytest

from knowledge.link_schemes import allowed_schemes, bad_links, link_allowed

SCHEMES = allowed_schemes({"link_schemes": ["sanjintong"]})


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "http://example.com/pay",
        "file:///etc/passwd",
        "ynbst://app/x",  # another province's app
        "//evil.example.com/x",
        "https:",
        "sanjintong:",
    ],
)
def test_links_outside_the_allow_list_are_refused(link):
    assert not link_allowed(link, SCHEMES)
    assert bad_links("app", {"link": link}, SCHEMES)[0][0] == "link"


@pytest.mark.parametrize("link", ["https://sjt.example.gov.cn/pay", "sanjintong://app/app-pay", "SanJinTong://x", ""])
def test_https_and_the_profile_s_schemes_are_allowed(link):
    assert link_allowed(link, SCHEMES) and bad_links("app", {"link": link}, SCHEMES) == []


def test_item_and_package_links_are_checked_too():
    assert bad_links("item", {"online": {"link": "javascript:x"}}, SCHEMES)[0][0] == "online.link"
    assert bad_links("package", {"online": {"link": "https://ok.example/p"}}, SCHEMES) == []


def test_without_a_profile_only_https_is_allowed():
    assert allowed_schemes(None) == {"https"}
