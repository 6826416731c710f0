"""Client of the WeChat server API the channel needs: the access_token (cached in the key-value store and
refreshed by one holder at a time under a lock, so replicas do not invalidate each other's token) and the
customer-service message send API (客服消息), used for late answers and the rest of long ones."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Optional

import httpx

from gateway.kv import KeyValueStore

logger = logging.getLogger(__name__)

TOKEN_EXPIRED = {40001, 40014, 42001}  # invalid / malformed / expired access_token
EARLY_REFRESH_SECONDS = 300  # refresh this long before WeChat's expiry
LOCK_SECONDS = 15.0


class WeChatApiError(RuntimeError):
    def __init__(self, message: str, errcode: Optional[int] = None) -> None:
        super().__init__(message)
        self.errcode = errcode


class WeChatApi:
    def __init__(
        self,
        base_url: str,
        appid: str,
        secret: str,
        kv: KeyValueStore,
        http: Optional[httpx.AsyncClient] = None,
        on_token_fetch=None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.appid = appid
        self._secret = secret
        self.kv = kv
        self._http = http or httpx.AsyncClient(timeout=5.0)
        self._owns_http = http is None
        self._on_token_fetch = on_token_fetch or (lambda: None)

    @property
    def _token_key(self) -> str:
        return f"wechat:access_token:{self.appid}"

    async def access_token(self, stale: Optional[str] = None) -> str:
        """The cached token; `stale` names one WeChat has just refused, which is then replaced."""
        token = await self.kv.get(self._token_key)
        if token and token != stale:
            return token
        async with self.kv.lock(f"wechat:access_token:{self.appid}", ttl=LOCK_SECONDS, wait=LOCK_SECONDS) as held:
            if not held:
                raise WeChatApiError("等待 access_token 刷新超时")
            token = await self.kv.get(self._token_key)  # another holder may have refreshed it meanwhile
            if token and token != stale:
                return token
            token, expires_in = await self._fetch_token()
            await self.kv.set(self._token_key, token, ttl=max(60, expires_in - EARLY_REFRESH_SECONDS))
            return token

    async def _fetch_token(self):
        self._on_token_fetch()
        try:
            response = await self._http.get(
                f"{self.base_url}/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self._secret},
            )
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise WeChatApiError(f"获取 access_token 失败：{type(exc).__name__}") from exc
        if not data.get("access_token"):
            raise WeChatApiError(
                f"获取 access_token 失败：{data.get('errcode')} {data.get('errmsg')}", data.get("errcode")
            )
        return str(data["access_token"]), int(data.get("expires_in") or 7200)

    async def send_text(self, openid: str, content: str) -> None:
        """One customer-service text message. A refused token is replaced and the send repeated; a connection that
        never opened is retried; anything that may have reached WeChat is not sent again (no double answers)."""
        body = json.dumps(
            {"touser": openid, "msgtype": "text", "text": {"content": content}}, ensure_ascii=False
        ).encode("utf-8")
        token = await self.access_token()
        for attempt in range(3):
            try:
                response = await self._http.post(
                    f"{self.base_url}/cgi-bin/message/custom/send",
                    params={"access_token": token},
                    content=body,
                    headers={"Content-Type": "application/json; charset=utf-8"},
                )
                data = response.json()
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # not sent: safe to try again
                if attempt == 2:
                    raise WeChatApiError(f"发送客服消息失败：{type(exc).__name__}") from exc
                await asyncio.sleep(0.2 * (attempt + 1))
                continue
            except (httpx.HTTPError, ValueError) as exc:  # may have been delivered: never send twice
                raise WeChatApiError(f"发送客服消息失败：{type(exc).__name__}") from exc
            errcode = int(data.get("errcode") or 0)
            if errcode == 0:
                return
            if errcode in TOKEN_EXPIRED and attempt < 2:
                token = await self.access_token(stale=token)
                continue
            raise WeChatApiError(f"发送客服消息失败：{errcode} {data.get('errmsg')}", errcode)

    async def create_menu(self, definition: dict) -> None:
        token = await self.access_token()
        body = json.dumps(definition, ensure_ascii=False).encode("utf-8")
        try:
            response = await self._http.post(
                f"{self.base_url}/cgi-bin/menu/create",
                params={"access_token": token},
                content=body,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise WeChatApiError(f"创建菜单失败：{type(exc).__name__}") from exc
        if int(data.get("errcode") or 0) != 0:
            raise WeChatApiError(f"创建菜单失败：{data.get('errcode')} {data.get('errmsg')}", data.get("errcode"))

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()
