"""Plays WeChat's side of the protocol with wechatpy (the real client library): builds signed requests
in plain and safe (AES) mode, and reads our replies back — decrypting them and checking their signature
with wechatpy's own code, so our implementation is checked against an independent one."""

from __future__ import annotations

import json
import time
import uuid
from typing import Dict, Optional

import httpx
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

TOKEN = "wx-test-token"
APPID = "wx-test-appid"
SECRET = "wx-test-secret"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat issues them
MINI_TOKEN = "mini-test-token"
MINI_APPID = "mini-test-appid"
MINI_SECRET = "mini-test-secret"
MINI_AES_KEY = "GFEDCBA9876543210zyxwvutsrqponmlkjihgfedcba"
ACCOUNT_ID = "gh_test_account"


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def _xml(fields: Dict[str, object]) -> str:
    inner = "".join(
        f"<{k}>{v}</{k}>" if isinstance(v, int) else f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items()
    )
    return f"<xml>{inner}</xml>"


def new_msg_id() -> int:
    return int(uuid.uuid4().int % 10**16)


def text_fields(openid: str, content: str, msg_id: Optional[int] = None) -> Dict[str, object]:
    return {
        "ToUserName": ACCOUNT_ID,
        "FromUserName": openid,
        "CreateTime": int(time.time()),
        "MsgType": "text",
        "Content": content,
        "MsgId": msg_id or new_msg_id(),
    }


def voice_fields(openid: str, recognition: str) -> Dict[str, object]:
    return {
        "ToUserName": ACCOUNT_ID,
        "FromUserName": openid,
        "CreateTime": int(time.time()),
        "MsgType": "voice",
        "MediaId": "media-1",
        "Format": "amr",
        "Recognition": recognition,
        "MsgId": new_msg_id(),
    }


def event_fields(openid: str, event: str, key: str = "", create_time: Optional[int] = None) -> Dict[str, object]:
    fields: Dict[str, object] = {
        "ToUserName": ACCOUNT_ID,
        "FromUserName": openid,
        "CreateTime": create_time or int(time.time()),
        "MsgType": "event",
        "Event": event,
    }
    if key:
        fields["EventKey"] = key
    return fields


class WeChatSide:
    """One account as WeChat's servers see it: its token, AppID and EncodingAESKey, and its push URL."""

    def __init__(
        self, base_url: str, path: str = "/wechat", token: str = TOKEN, appid: str = APPID, aes_key: str = AES_KEY
    ) -> None:
        self.url = base_url.rstrip("/") + path
        self.token = token
        self.appid = appid
        self.crypto = WeChatCrypto(token, aes_key, appid)

    def query(self, timestamp: Optional[str] = None, nonce: Optional[str] = None) -> Dict[str, str]:
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or uuid.uuid4().hex[:10]
        return {
            "timestamp": timestamp,
            "nonce": nonce,
            "signature": sign(self.token, timestamp, nonce),
            "openid": "o-any",
        }

    def build(self, fields: Dict[str, object], safe: bool = False, as_json: bool = False):
        """(query params, body) of a push, as WeChat would send it."""
        query = self.query()
        body = json.dumps(fields, ensure_ascii=False) if as_json else _xml(fields)
        if safe:
            envelope = xmltodict.parse(self.crypto.encrypt_message(body, query["nonce"], query["timestamp"]))["xml"]
            query.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
            if as_json:
                body = json.dumps({"ToUserName": fields["ToUserName"], "Encrypt": envelope["Encrypt"]})
            else:
                body = _xml({"ToUserName": fields["ToUserName"], "Encrypt": envelope["Encrypt"]})
        return query, body.encode("utf-8")

    def post(self, client, fields: Dict[str, object], safe: bool = False, as_json: bool = False, **kw):
        query, body = self.build(fields, safe, as_json)
        return client.post(
            self.url,
            params=query,
            content=body,
            headers={"Content-Type": "application/json" if as_json else "text/xml"},
            **kw,
        )

    def read(self, response: httpx.Response, safe: bool = False) -> Dict[str, str]:
        """The passive reply's fields; {} for `success`. Safe mode: signature checked and decrypted by wechatpy."""
        assert response.status_code == 200, (response.status_code, response.text)
        if response.text == "success":
            return {}
        xml = response.text
        if safe:
            envelope = xmltodict.parse(xml)["xml"]
            xml = self.crypto.decrypt_message(xml, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"])
        return dict(xmltodict.parse(xml)["xml"])
