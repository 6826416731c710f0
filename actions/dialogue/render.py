"""Renders knowledge-base entries as chat messages: a rich form and its plain-text twin."""

from __future__ import annotations

from typing import Dict, List, Optional

from actions import wording
from actions.platform.profile import platform_profile
from knowledge import guide_text
from knowledge.excerpt import excerpt, full_answer_path
from knowledge.link_schemes import allowed_schemes, link_allowed
from settings import get_settings


def source_of(kind: str, entry: Dict) -> Dict:
    title = entry.get("name") or entry.get("question") or entry["id"]
    return {"type": kind, "id": entry["id"], "title": title}


def guide_sections(item: Dict, region: Optional[str]) -> List[Dict]:
    return guide_text.guide_sections(item, region, wording.text)


def guide_card(item: Dict, region: Optional[str] = None) -> Dict:
    """The whole 办事指南 of an item as a `guide_card` message."""
    sections = guide_sections(item, region)
    return {
        "type": "guide_card",
        "title": item["name"],
        "sections": sections,
        "updated_at": item.get("updated_at", ""),
        "link": servable(item.get("online", {}).get("link", "")),
        "text": guide_text.guide_text(item, sections, wording.text),
    }


def faq_answer(faq: Dict) -> Dict:
    """The answer, or — for a long one (policy texts run to 20,000 characters) — its readable start and the
    address of the whole answer (GET /kb/faqs/{id} on the gateway)."""
    part = excerpt(faq["answer"])
    if not part.truncated:
        return {"type": "text", "text": part.text}
    url = get_settings().public_url + full_answer_path(faq["id"])
    return {"type": "text", "text": part.text + "\n" + wording.text("utter_long_answer_rest", url=url)}


def package_card(package: Dict, item_names: Dict[str, str]) -> Dict:
    steps = [f"{n}. {item_names.get(i, i)}" for n, i in enumerate(package["items"], start=1)]
    lines = [f"【{package['name']}】{package['description']}", "办理顺序：" + "；".join(steps)]
    if package.get("shared_materials"):
        lines.append("共用材料：" + "、".join(package["shared_materials"]))
    return {
        "type": "guide_card",
        "title": package["name"],
        "text": "\n".join(lines),
        "sections": [
            {"title": "办理顺序", "lines": steps},
            {"title": "共用材料", "lines": package.get("shared_materials", [])},
        ],
        "updated_at": package.get("updated_at", ""),
        "link": servable(package.get("online", {}).get("link", "")),
    }


def numbered(prompt: str, titles: List[str]) -> str:
    """A prompt and its numbered choices, one per line (how every buttons message reads as plain text)."""
    return "\n".join([prompt] + [f"{n}. {title}" for n, title in enumerate(titles, start=1)])


def buttons_message(text: str, buttons: List[Dict]) -> Dict:
    """A `buttons` message with its own plain text, which ends with one line per button."""
    return {"type": "buttons", "text": text, "buttons": [dict(b) for b in buttons]}


def servable(link: str) -> str:
    """The link if its scheme is allowed (https or the profile's app schemes), else "" — a link that slipped
    into the knowledge base some other way (an old database, a direct write) never reaches a citizen."""
    return link if link_allowed(link, allowed_schemes(platform_profile())) else ""


def app_link(app: Dict) -> Dict:
    link = servable(app.get("link", ""))
    if not link:
        return {"type": "text", "text": f"{app['name']}：{app['description']}"}
    return {
        "type": "link",
        "title": app["name"],
        "url": link,
        "text": f"{app['name']}：{app['description']}\n" + wording.text("utter_app_open_link", url=link),
    }
