"""The province's profile as loaded into the knowledge base (knowledge/schema.py `Regions`, store meta
"profile"): platform and app names, links, hotline, wording. Read on each call (one small query), so that a
reload of the knowledge base shows at once; {} when it cannot be read (no knowledge base yet) — callers fall
back to generic values then (`DEFAULTS`)."""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List

logger = logging.getLogger(__name__)

# What a profile that leaves a field out (or cannot be read) means; generic, no province's name.
DEFAULTS = {
    "platform": "政务服务平台",
    "hotline": "12345",
    "hotline_name": "政务服务便民热线",
}
# The fields the bot's responses may name as {variables} (bot/domain/*.yml, docs/profiles.md).
WORDING_FIELDS = (
    "platform",
    "platform_short",
    "app_name",
    "mini_program_name",
    "hotline",
    "hotline_name",
    "complaint_entry",
    "province",
    "greeting",
    "login_explanation",
)


def platform_profile() -> Dict[str, Any]:
    from actions.resources import knowledge_store

    try:
        raw = knowledge_store().get_meta("profile")
        profile = json.loads(raw) if raw else {}
    except Exception:  # no knowledge base yet, or an unreadable profile
        logger.warning("the profile could not be read", exc_info=True)
        profile = {}
    return profile if isinstance(profile, dict) else {}


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
    """The profile's values the responses fill in: `platform_short` is the full name when not set, the app
    and mini-program names follow from it (as knowledge/schema.py documents)."""
    profile = platform_profile()
    values = {field: _text(profile, field) for field in WORDING_FIELDS}
    values["platform_short"] = values["platform_short"] or values["platform"]
    values["app_name"] = values["app_name"] or values["platform_short"] + "APP"
    values["complaint_entry"] = values["complaint_entry"] or values["app_name"]
    return values


def feedback_channels() -> List[str]:
    """Where else citizens give feedback (profile `feedback_channels`), besides the 好差评 the bot collects."""
    channels = platform_profile().get("feedback_channels") or []
    return [c for c in channels if isinstance(c, str) and c.strip() and c != "好差评"]
