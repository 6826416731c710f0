"""Turns Rasa's output messages into the contract's messages (each with a plain-text rendering)
and collects the knowledge-base `sources` the actions attached."""
from __future__ import annotations

from typing import Dict, List, Tuple


def buttons_text(text: str, buttons: List[Dict]) -> str:
    lines = [text] if text else []
    lines += [f"{n}. {b.get('title', '')}" for n, b in enumerate(buttons, start=1)]
    return "\n".join(lines)


def convert(rasa_messages: List[Dict]) -> Tuple[List[Dict], List[Dict]]:
    messages: List[Dict] = []
    sources: List[Dict] = []
    seen = set()
    for raw in rasa_messages:
        custom = raw.get("custom")
        if isinstance(custom, dict):
            custom = dict(custom)
            for source in custom.pop("sources", []) or []:
                key = (source.get("type"), source.get("id"))
                if key not in seen:
                    seen.add(key)
                    sources.append({"type": source["type"], "id": source["id"], "title": source.get("title", "")})
            if custom.get("type"):
                custom.setdefault("text", "")
                messages.append(custom)
            continue
        if raw.get("buttons"):
            buttons = [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in raw["buttons"]]
            messages.append({"type": "buttons", "text": buttons_text(raw.get("text", ""), buttons),
                             "buttons": buttons})
        elif raw.get("text"):
            messages.append({"type": "text", "text": raw["text"]})
        elif raw.get("image"):
            messages.append({"type": "image", "url": raw["image"], "text": raw["image"]})
    return messages, sources


def button_payloads(messages: List[Dict]) -> List[str]:
    return [b["payload"] for m in messages for b in m.get("buttons", []) if b.get("payload")]
