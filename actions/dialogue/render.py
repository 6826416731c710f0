"""Renders knowledge-base entries as chat messages: a rich form and its plain-text twin."""

from __future__ import annotations

from typing import Dict, List, Optional

from actions import wording
from actions.platform.profile import platform_profile
from knowledge.excerpt import excerpt, full_answer_path
from knowledge.link_schemes import allowed_schemes, link_allowed
from settings import get_settings


def source_of(kind: str, entry: Dict) -> Dict:
    title = entry.get("name") or entry.get("question") or entry["id"]
    return {"type": kind, "id": entry["id"], "title": title}


def place_for(entry: Dict, region: Optional[str]) -> Optional[Dict]:
    """The place for the user's city (or county) if the guide names one, else the province-wide one."""
    places = entry.get("places", [])
    if region:
        for place in places:
            if place["region"] != "*" and (place["region"] in region or region in place["region"]):
                return place
    return next((p for p in places if p["region"] == "*"), places[0] if places else None)


def _material_line(material: Dict) -> str:
    line = f"{material['name']}（{material.get('form', '原件')}{material.get('copies', 1)}份）"
    if material.get("e_license_exempt"):
        line += wording.text("utter_material_e_license_exempt")
    if material.get("note"):
        line += f"，{material['note']}"
    return line


def guide_sections(item: Dict, region: Optional[str]) -> List[Dict]:
    place = place_for(item, region)
    online = item.get("online", {})
    sections = [
        {"title": "办理条件", "lines": [item["conditions"]]},
        {"title": "所需材料", "lines": [_material_line(m) for m in item.get("materials", [])]},
        {
            "title": "办理时限",
            "lines": [f"承诺时限：{item['promised_time_limit']}（法定时限：{item['legal_time_limit']}）"],
        },
        {"title": "收费标准", "lines": [item["fee"]]},
    ]
    if place:
        sections.append(
            {
                "title": "办理地点",
                "lines": [place["address"], f"办公时间：{place['hours']}"]
                + ([f"电话：{place['phone']}"] if place.get("phone") else []),
            }
        )
    online_line = (
        wording.text(
            "utter_online_available", channel=online.get("channel") or wording.text("utter_online_channel_default")
        )
        if online.get("available")
        else wording.text("utter_online_unavailable")
    )
    if online.get("note"):
        online_line += f"（{online['note']}）"
    sections.append({"title": "网上办理", "lines": [online_line]})
    sections.append({"title": "咨询电话", "lines": [item["hotline"]]})
    return sections


def guide_card(item: Dict, region: Optional[str] = None) -> Dict:
    """The whole 办事指南 of an item as a `guide_card` message."""
    sections = guide_sections(item, region)
    updated = item.get("updated_at", "")
    lines = [wording.text("utter_guide_title", item=item["name"])]
    for section in sections:
        lines.append(f"{section['title']}：" + "；".join(section["lines"]))
    lines.append(wording.text("utter_guide_updated", date=updated))
    return {
        "type": "guide_card",
        "title": item["name"],
        "sections": sections,
        "updated_at": updated,
        "link": servable(item.get("online", {}).get("link", "")),
        "text": "\n".join(lines),
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
