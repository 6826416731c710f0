"""One message or event pushed by WeChat, read from its fields (same names in XML and JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict

from gateway.channels.wechat.wire import MalformedMessage


@dataclass(frozen=True)
class Inbound:
    to_user: str  # our account's original id (gh_…)
    from_user: str  # the citizen's OpenID
    create_time: str
    msg_type: str  # text | voice | image | event | …
    content: str = ""
    msg_id: str = ""
    event: str = ""  # subscribe | unsubscribe | CLICK | VIEW | user_enter_tempsession | …
    event_key: str = ""
    recognition: str = ""  # voice messages: WeChat's speech recognition result

    @classmethod
    def from_fields(cls, fields: Dict[str, str]) -> "Inbound":
        missing = [name for name in ("ToUserName", "FromUserName", "CreateTime", "MsgType") if not fields.get(name)]
        if missing:
            raise MalformedMessage("消息缺少字段：" + "、".join(missing))
        return cls(
            to_user=fields["ToUserName"],
            from_user=fields["FromUserName"],
            create_time=fields["CreateTime"],
            msg_type=fields["MsgType"].lower(),
            content=fields.get("Content", ""),
            msg_id=fields.get("MsgId", ""),
            event=fields.get("Event", ""),
            event_key=fields.get("EventKey", ""),
            recognition=fields.get("Recognition", ""),
        )

    @property
    def dedupe_key(self) -> str:
        """WeChat retries with the same MsgId; events carry none, so sender + CreateTime identify them (with
        the event and its key, so two different menu clicks within one second are both answered)."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        return f"event:{self.from_user}:{self.create_time}:{self.event}:{self.event_key}"
