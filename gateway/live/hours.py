"""Service hours of 转人工 per department (profile `live_chat`, knowledge.schema.LiveChat) in local time."""

from __future__ import annotations

import datetime as dt
from typing import Dict, Optional

from knowledge.responses import render
from knowledge.schema import LiveChat, ServiceHours

WEEKDAYS = "一二三四五六日"
CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def zone(name: str) -> dt.tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # no tz database on the machine: China has one offset and no summer time
        return CHINA


OVERRIDE_KEY = "live_chat"  # knowledge meta: service hours set by an admin (PUT /admin/live/hours)


def live_config(profile: Dict) -> LiveChat:
    """The profile's `live_chat` section (defaults when the profile has none or it does not validate)."""
    try:
        return LiveChat.parse_obj(profile.get("live_chat") or {})
    except ValueError:
        return LiveChat()


def effective_config(store) -> LiveChat:
    """What is in force: the hours an admin set in the console, else the profile's (read fresh each time, so
    a change reaches every replica at once)."""
    raw = store.get_meta(OVERRIDE_KEY)
    if raw:
        try:
            return LiveChat.parse_raw(raw)
        except ValueError:
            pass
    return live_config(store.loaded_profile())


def hours_for(config: LiveChat, department: str) -> ServiceHours:
    return config.departments.get(department) or config.hours


def is_open(hours: ServiceHours, now: dt.datetime) -> bool:
    """`now` is local time."""
    if now.isoweekday() not in hours.days:
        return False
    clock = now.strftime("%H:%M")
    return any(p[:5] <= clock < p[6:] for p in hours.periods)


def describe(hours: ServiceHours) -> str:
    """E.g. "周一至周五 09:00-12:00、13:30-17:30"."""
    days = sorted(set(hours.days))
    if not days or not hours.periods:
        return render("utter_live_hours_none", {})
    if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        when = render("utter_live_days_range", {"first": WEEKDAYS[days[0] - 1], "last": WEEKDAYS[days[-1] - 1]})
    else:
        when = "、".join(render("utter_live_day", {"day": WEEKDAYS[d - 1]}) for d in days)
    return f"{when} {'、'.join(hours.periods)}"


def local_now(tz: dt.tzinfo, now: Optional[dt.datetime] = None) -> dt.datetime:
    """Local time of a naive-UTC `now` (default: the current time)."""
    utc = (now or dt.datetime.utcnow()).replace(tzinfo=dt.timezone.utc)
    return utc.astimezone(tz)
