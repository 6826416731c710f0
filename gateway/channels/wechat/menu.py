"""The Official Account's custom menu (自定义菜单): what each CLICK key does, and the menu definition an
operator creates with `python -m gateway.channels.wechat create-menu`. A key either asks the bot a question as if
the citizen had typed it, or is handled by the gateway (长辈模式 switch, help)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional

from knowledge.responses import render

ELDER_KEY = "ELDER_MODE"
HELP_KEY = "HELP"


@dataclass(frozen=True)
class MenuItem:
    key: str
    title: str
    question: Optional[str] = None  # sent to the bot as the citizen's text


MENU: List[List[MenuItem]] = [
    [
        MenuItem("GUIDE_IDCARD", "身份证补办", "身份证丢了怎么补办"),
        MenuItem("GUIDE_SSCARD", "社保卡申领", "社保卡怎么办理"),
        MenuItem("GUIDE_RESIDENCE", "居住证", "怎么办居住证"),
        MenuItem("GUIDE_NEWBORN", "新生儿出生", "新生儿出生一件事怎么办"),
    ],
    [
        MenuItem("DO_PROGRESS", "办件进度", "查询办件进度"),
        MenuItem("DO_APPOINTMENT", "预约办理", "我要预约办理"),
        MenuItem("DO_COMPLAINT", "投诉建议", "我要投诉建议"),
    ],
    [MenuItem(ELDER_KEY, "长辈模式"), MenuItem("HUMAN", "人工服务", "转人工"), MenuItem(HELP_KEY, "使用帮助")],
]
GROUP_TITLES = ["办事指南", "我要办", "更多"]

# Responses of bot/domain/channels.yml (rendered by the handler with the profile's values).
HELP_TEXT = "utter_wechat_help"
ELDER_ON = "utter_wechat_elder_on"
ELDER_OFF = "utter_wechat_elder_off"
UNKNOWN_KEY = "utter_wechat_unknown_key"


def find(key: str) -> Optional[MenuItem]:
    return next((item for group in MENU for item in group if item.key == key), None)


def menu_text() -> str:
    """The menu as text, for the subscribe welcome."""
    lines = [render("utter_wechat_menu_intro", {})]
    for title, group in zip(GROUP_TITLES, MENU, strict=False):
        lines.append(f"· {title}：" + "、".join(item.title for item in group))
    return "\n".join(lines)


def menu_definition() -> Dict:
    """The body of WeChat's menu-create API (at most 3 groups of 5)."""
    return {
        "button": [
            {"name": title, "sub_button": [{"type": "click", "name": item.title, "key": item.key} for item in group]}
            for title, group in zip(GROUP_TITLES, MENU, strict=False)
        ]
    }
