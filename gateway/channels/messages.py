"""Turns Rasa's output messages into the contract's messages (each with a plain-text rendering)
and collects the knowledge-base `sources` the actions attached.

Rich message types and what their plain `text` shows (text-only channels such as WeChat send `text`):
- `text`: the text itself.
- `buttons`: the prompt, then the numbered choices ("1. 补领").
- `guide_card`: 【title】, one line per section ("所需材料：…"), the last-updated date; `sections`, `link`.
- `link`: "title：url" (`title`, `url`).
- `results`: a title and numbered result lines (`items`: title, snippet, url or payload).
- `image`: the image URL.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

from knowledge.responses import render


def buttons_text(text: str, buttons: List[Dict]) -> str:
    lines = [text] if text else []
    lines += [f"{n}. {b.get('title', '')}" for n, b in enumerate(buttons, start=1)]
    return "\n".join(lines)


def render_text(message: Dict) -> str:
    """The plain-text rendering of a rich message that came without one."""
    kind = message.get("type")
    if kind == "buttons":
        return buttons_text(message.get("title", ""), message.get("buttons", []))
    if kind == "guide_card":
        lines = [f"【{message.get('title', '')}】"]
        lines += [f"{s.get('title', '')}：" + "；".join(s.get("lines", [])) for s in message.get("sections", [])]
        if message.get("updated_at"):
            lines.append(render("utter_guide_updated", {"date": message["updated_at"]}))
        return "\n".join(lines)
    if kind == "link":
        return f"{message.get('title', '')}：{message.get('url', '')}"
    if kind == "results":
        lines = [message.get("title", "")] if message.get("title") else []
        for n, item in enumerate(message.get("items", []), start=1):
            snippet = f"——{item['snippet']}" if item.get("snippet") else ""
            lines.append(f"{n}. {item.get('title', '')}{snippet}")
        return "\n".join(lines)
    if kind == "image":
        return message.get("url", "")
    return ""


def plain_text(messages: List[Dict], separator: str = "\n\n") -> str:
    """A whole reply as one text, for channels that can show nothing else."""
    return separator.join(m["text"] for m in messages if m.get("text"))


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
                if not custom.get("text"):
                    custom["text"] = render_text(custom)
                messages.append(custom)
            continue
        if raw.get("buttons"):
            buttons = [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in raw["buttons"]]
            messages.append({"type": "buttons", "text": buttons_text(raw.get("text", ""), buttons), "buttons": buttons})
        elif raw.get("text"):
            messages.append({"type": "text", "text": raw["text"]})
        elif raw.get("image"):
            messages.append({"type": "image", "url": raw["image"], "text": raw["image"]})
    return messages, sources


def button_payloads(messages: List[Dict]) -> List[str]:
    return [b["payload"] for m in messages for b in m.get("buttons", []) if b.get("payload")]
