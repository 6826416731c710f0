"""The profile's `live_chat` section (service hours of 转人工): validated, and checked against the departments."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from knowledge.loader import load_profile
from knowledge.schema import LiveChat, ServiceHours
from knowledge.validate import find_problems

SHANXI = Path(__file__).resolve().parents[2] / "knowledge" / "sample" / "shanxi"


def test_the_sample_profile_sets_hours_per_department():
    bundle = load_profile(SHANXI)
    config = bundle.profile.live_chat
    assert config.hours.days == [1, 2, 3, 4, 5] and config.departments["ga"].days[-1] == 6
    assert config.queue_limit == 20
    assert not [p for p in find_problems(bundle) if "live_chat" in p]


def test_an_unknown_department_in_the_hours_is_a_problem():
    bundle = load_profile(SHANXI)
    bundle.profile.live_chat.departments["no-such-dept"] = ServiceHours()
    assert "profile.yml：live_chat.departments 中的部门 no-such-dept 不存在" in find_problems(bundle)


@pytest.mark.parametrize(
    "bad", [{"days": [0]}, {"days": [8]}, {"periods": ["9:00-17:00"]}, {"periods": ["17:00-09:00"]}, {"periods": ["x"]}]
)
def test_bad_hours_are_refused(bad):
    with pytest.raises(ValidationError):
        ServiceHours(**bad)


def test_a_negative_queue_limit_and_unknown_keys_are_refused():
    with pytest.raises(ValidationError):
        LiveChat(queue_limit=-1)
    with pytest.raises(ValidationError):
        LiveChat.parse_obj({"hour": {}})
