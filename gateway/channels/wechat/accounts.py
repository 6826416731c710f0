"""The two WeChat accounts the gateway can serve, read from the settings: the Official Account answers in
the passive reply when it can; the mini-program push always replies `success` and answers through the
customer-service API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from gateway.channels.sender_ids import MINI_PROGRAM, WECHAT
from gateway.channels.wechat.crypto import MessageCipher
from settings import Settings


@dataclass(frozen=True)
class Account:
    channel: str  # "wechat" | "miniprogram": the metrics label, the sender-id prefix, the Rasa metadata
    name: str  # how an operator knows it (Chinese)
    token: str
    appid: str
    aes_key: Optional[str]
    secret: Optional[str]
    passive_answers: bool

    def cipher(self) -> Optional[MessageCipher]:
        return MessageCipher(self.aes_key, self.appid) if self.aes_key else None


def official_account(settings: Settings) -> Optional[Account]:
    if not settings.wechat_token:
        return None
    return Account(
        WECHAT,
        "公众号",
        settings.wechat_token,
        settings.wechat_appid or "",
        settings.wechat_aes_key,
        settings.wechat_app_secret,
        passive_answers=True,
    )


def mini_program(settings: Settings) -> Optional[Account]:
    if not settings.miniprogram_token:
        return None
    return Account(
        MINI_PROGRAM,
        "小程序",
        settings.miniprogram_token,
        settings.miniprogram_appid or "",
        settings.miniprogram_aes_key,
        settings.miniprogram_app_secret,
        passive_answers=False,
    )
