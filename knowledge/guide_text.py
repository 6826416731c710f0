"""An item's 办事指南 as sections of lines and as plain text, the one rendering that the bot's guide card
(actions/dialogue/render.py) and an agent's "send this entry" (gateway/live/delivery.py) both show, so a
citizen reads the same guide whoever sends it. The wording comes from the caller's `say(name, **values)`:
the domain's responses, rendered with the province's profile by the action server or by the gateway."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

Say = Callable[..., str]


def place_for(entry: Dict, region: Optional[str]) -> Optional[Dict]:
    """The place for the user's city (or county) if the guide names one, else the province-wide one."""
    places = entry.get("places", [])
    if region:
        for place in places:
            if place["region"] != "*" and (place["region"] in region or region in place["region"]):
                return place
    return next((p for p in places if p["region"] == "*"), places[0] if places else None)


def _material_line(material: Dict, say: Say) -> str:
    line = f"{material['name']}（{material.get('form', '原件')}{material.get('copies', 1)}份）"
    if material.get("e_license_exempt"):
        line += say("utter_material_e_license_exempt")
    if material.get("note"):
        line += f"，{material['note']}"
    return line


def guide_sections(item: Dict, region: Optional[str], say: Say) -> List[Dict[str, Any]]:
    place = place_for(item, region)
    online = item.get("online", {})
    sections = [
        {"title": "办理条件", "lines": [item["conditions"]]},
        {"title": "所需材料", "lines": [_material_line(m, say) for m in item.get("materials", [])]},
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
        say("utter_online_available", channel=online.get("channel") or say("utter_online_channel_default"))
        if online.get("available")
        else say("utter_online_unavailable")
    )
    if online.get("note"):
        online_line += f"（{online['note']}）"
    sections.append({"title": "网上办理", "lines": [online_line]})
    sections.append({"title": "咨询电话", "lines": [item["hotline"]]})
    return sections


def guide_text(item: Dict, sections: List[Dict[str, Any]], say: Say) -> str:
    """The guide as plain text: its title, one line per section, when it was last updated."""
    lines = [say("utter_guide_title", item=item["name"])]
    lines += [f"{section['title']}：" + "；".join(section["lines"]) for section in sections]
    lines.append(say("utter_guide_updated", date=item.get("updated_at", "")))
    return "\n".join(lines)
