"""HTTP side of the WeChat channels, per the WeChat protocol:

- `GET  /wechat` and `GET /wechat/miniprogram`: server URL verification (echo `echostr` when signed).
- `POST /wechat`: Official Account messages; `POST /wechat/miniprogram`: the mini-program's
  customer-service message push (XML or JSON). Plain mode, and safe mode (`encrypt_type=aes`).

Unsigned or wrongly signed requests get 403; unreadable bodies 400; bodies over 16 KB 413; an account
that is not configured 404."""

from __future__ import annotations

import hashlib
import time
import uuid

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.background import BackgroundTask

from gateway.channels.wechat.channels import WeChatEndpoint
from gateway.channels.wechat.crypto import CipherError, SignatureError, check_signature, signature
from gateway.channels.wechat.inbound import Inbound
from gateway.channels.wechat.wire import MalformedMessage, encrypted_reply, parse_any, text_reply
from gateway.kv import KVError

MAX_BODY_BYTES = 16 * 1024

router = APIRouter(tags=["微信"])


def _endpoint(request: Request, channel: str) -> WeChatEndpoint:
    return request.app.state.wechat.get(channel)


def _check(token: str, request: Request, *extra: str, param: str = "signature") -> None:
    q = request.query_params
    timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
    if not timestamp.isdigit() or not nonce:
        raise HTTPException(403, "签名校验失败：缺少 timestamp 或 nonce")
    try:
        check_signature(q.get(param, ""), token, timestamp, nonce, *extra)
    except SignatureError:
        raise HTTPException(403, "签名校验失败") from None
    window = request.app.state.resources.settings.wechat_timestamp_window_seconds
    if abs(time.time() - int(timestamp)) > window:
        raise HTTPException(403, "签名校验失败：timestamp 已过期或不在允许的时间范围内")


# With an EncodingAESKey configured the account is in safe mode: a plain message is somebody else's.
PLAIN_REFUSED = "已配置 EncodingAESKey，只接受安全模式（加密）消息；迁移期需临时接受明文时设置 WECHAT_ALLOW_PLAIN=true"
NONCE_KEY = "wechat:nonce:{channel}:{timestamp}:{nonce}"


async def _check_replay(request: Request, channel: str, body: bytes) -> None:
    """One signed (timestamp, nonce) carries one body: WeChat's own retries repeat the body (the ledger answers
    them), a replay with another body is refused. Kept in the shared key-value store for the time window."""
    q = request.query_params
    res = request.app.state.resources
    key = NONCE_KEY.format(channel=channel, timestamp=q.get("timestamp", ""), nonce=q.get("nonce", ""))
    digest = hashlib.sha256(body).hexdigest()
    ttl = 2.0 * res.settings.wechat_timestamp_window_seconds + 60
    try:
        if await res.kv.add(key, digest, ttl) or await res.kv.get(key) == digest:
            return
    except (KVError, OSError):  # the store is down: refuse rather than accept a possible replay
        raise HTTPException(503, "暂时无法校验请求，请稍后再试") from None
    raise HTTPException(403, "签名校验失败：该 nonce 已用于另一条消息（疑似重放）")


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise HTTPException(413, f"消息体过大，最多 {MAX_BODY_BYTES // 1024} KB")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(413, f"消息体过大，最多 {MAX_BODY_BYTES // 1024} KB")
    return body


def _verify(request: Request, channel: str) -> PlainTextResponse:
    endpoint = _endpoint(request, channel)
    _check(endpoint.account.token, request)
    return PlainTextResponse(request.query_params.get("echostr", ""))


async def _receive(request: Request, channel: str) -> Response:
    endpoint = _endpoint(request, channel)
    account = endpoint.account
    _check(account.token, request)
    body = await _read_body(request)
    safe_mode = request.query_params.get("encrypt_type", "").lower() == "aes"
    try:
        if safe_mode:
            if endpoint.cipher is None:
                raise HTTPException(400, "收到安全模式消息，但未配置 EncodingAESKey")
            encrypt = parse_any(body).get("Encrypt", "")
            if not encrypt:
                raise HTTPException(400, "安全模式消息缺少 Encrypt")
            _check(account.token, request, encrypt, param="msg_signature")
            try:
                plain = endpoint.cipher.decrypt(encrypt)
            except CipherError as exc:
                raise HTTPException(403, f"解密失败：{exc}") from None
            msg = Inbound.from_fields(parse_any(plain))
        else:
            if endpoint.cipher is not None and not request.app.state.resources.settings.wechat_allow_plain:
                raise HTTPException(403, PLAIN_REFUSED)
            msg = Inbound.from_fields(parse_any(body))
    except MalformedMessage as exc:
        raise HTTPException(400, f"无法读取微信消息：{exc}") from None

    await _check_replay(request, channel, body)  # after reading: an unreadable body is refused as such (400)
    reply = await endpoint.handler.respond(msg)
    background = BackgroundTask(endpoint.handler.push, msg.from_user, reply.later) if reply.later else None
    if reply.content is None:
        return PlainTextResponse("success", background=background)
    xml = text_reply(to_user=msg.from_user, from_user=msg.to_user, content=reply.content)
    if safe_mode:
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:16]
        encrypt = endpoint.cipher.encrypt(xml.encode("utf-8"))
        xml = encrypted_reply(encrypt, signature(account.token, timestamp, nonce, encrypt), timestamp, nonce)
    return Response(xml, media_type="application/xml", background=background)


@router.get("/wechat", summary="公众号服务器地址校验", response_class=PlainTextResponse)
def verify_official_account(request: Request) -> PlainTextResponse:
    return _verify(request, "wechat")


@router.post("/wechat", summary="公众号消息与事件（明文与安全模式）")
async def official_account_message(request: Request) -> Response:
    return await _receive(request, "wechat")


@router.get("/wechat/miniprogram", summary="小程序消息推送地址校验", response_class=PlainTextResponse)
def verify_mini_program(request: Request) -> PlainTextResponse:
    return _verify(request, "miniprogram")


@router.post("/wechat/miniprogram", summary="小程序客服消息推送（XML 或 JSON；回答经客服消息接口发送）")
async def mini_program_message(request: Request) -> Response:
    return await _receive(request, "miniprogram")
