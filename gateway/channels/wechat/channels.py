"""The WeChat accounts configured for one gateway app (Official Account, mini-program), each with its
handler, API client and cipher; built once at start-up."""

from __future__ import annotations

from typing import Dict, Optional

from fastapi import HTTPException

from gateway.channels.wechat.accounts import Account, mini_program, official_account
from gateway.channels.wechat.api import WeChatApi
from gateway.channels.wechat.crypto import MessageCipher
from gateway.channels.wechat.handler import WeChatHandler
from gateway.resources import Resources


class WeChatEndpoint:
    def __init__(self, account: Account, handler: WeChatHandler, cipher: Optional[MessageCipher]) -> None:
        self.account = account
        self.handler = handler
        self.cipher = cipher


class WeChatChannels:
    """The configured accounts of one gateway app, with their handlers and API clients."""

    def __init__(self, res: Resources) -> None:
        self.endpoints: Dict[str, WeChatEndpoint] = {}
        for account in (official_account(res.settings), mini_program(res.settings)):
            if account is None:
                continue
            api = None
            if account.secret and account.appid:
                metrics = res.metrics
                api = WeChatApi(
                    res.settings.wechat_api_base,
                    account.appid,
                    account.secret,
                    res.kv,
                    on_token_fetch=lambda appid=account.appid, metrics=metrics: metrics.wechat_token_fetches.labels(
                        appid
                    ).inc(),
                )
            self.endpoints[account.channel] = WeChatEndpoint(
                account, WeChatHandler(res, account, api), account.cipher()
            )

    def get(self, channel: str) -> WeChatEndpoint:
        endpoint = self.endpoints.get(channel)
        if endpoint is None:
            what = "公众号（WECHAT_TOKEN）" if channel == "wechat" else "小程序消息推送（MINIPROGRAM_TOKEN）"
            raise HTTPException(404, f"未配置{what}")
        return endpoint

    async def close(self) -> None:
        for endpoint in self.endpoints.values():
            await endpoint.handler.drain()
            if endpoint.handler.api is not None:
                await endpoint.handler.api.close()
