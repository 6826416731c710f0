"""The province's profile as loaded into the knowledge base (knowledge/schema.py `Regions`, store meta
"profile"): platform and app names, links, hotline, wording. Reread at most once a second (actions/resources.py
`KB_REREAD_SECONDS`), so that a reload of the knowledge base shows within a second; {} when it cannot be read
(no knowledge base yet) — callers fall back to generic values then (`DEFAULTS`)."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from knowledge.placeholders import profile_values

logger = logging.getLogger(__name__)

# What a profile that leaves a field out (or cannot be read) means; generic, no province's name.
DEFAULTS = {
    "platform": "政务服务平台",
    "hotline": "12345",
    "hotline_name": "政务服务便民热线",
}
# Profile texts the responses name besides the placeholder values (knowledge/placeholders.py `profile_values`).
TEXT_FIELDS = ("complaint_entry", "greeting", "login_explanation")


def platform_profile() -> Dict[str, Any]:
    from actions.resources import KB_REREAD_SECONDS, knowledge_store

    try:
        return knowledge_store().loaded_profile(max_age=KB_REREAD_SECONDS)
    except Exception:  # no knowledge base yet
        logger.warning("the profile could not be read", exc_info=True)
        return {}


def _text(profile: Dict[str, Any], field: str) -> str:
    value = profile.get(field)
    return value.strip() if isinstance(value, str) and value.strip() else DEFAULTS.get(field, "")


def profile_text(field: str, default: str = "") -> str:
    return _text(platform_profile(), field) or default


def platform_name() -> str:
    """The platform's name as citizens know it (the profile's `platform`), so that no province's name is
    written in the code; a generic name when the profile cannot be read."""
    return profile_text("platform")


def wording_values() -> Dict[str, str]:
    """The profile's values the responses fill in ({platform}, {platform_short}, {app_name}, {hotline}, …):
    the same values and derived defaults as the knowledge base's placeholders, with a generic platform name
    when none is loaded, plus the profile's own texts; the complaint entry is the app when not set."""
    profile = platform_profile()
    values = profile_values({**profile, "platform": _text(profile, "platform")})
    values.update({field: _text(profile, field) for field in TEXT_FIELDS})
    values["complaint_entry"] = values["complaint_entry"] or values["app_name"]
    return values


def feedback_channels() -> List[str]:
    """Where else citizens give feedback (profile `feedback_channels`), besides the 好差评 the bot collects."""
    channels = platform_profile().get("feedback_channels") or []
    return [c for c in channels if isinstance(c, str) and c.strip() and c != "好差评"]
