"""Property-based fuzzing of the WeChat endpoints (/wechat, /wechat/miniprogram) against the real gateway
process, signing requests with wechatpy as WeChat's servers do.

Properties: an unsigned or wrongly signed request is a Chinese 403; a signed request with any body —
plain, or AES-encrypted (safe mode) around any plaintext — gets either a well-formed reply (`success`, or
a passive-reply XML addressed back to the sender with Chinese content) or a Chinese 4xx; never a 5xx."""

from __future__ import annotations

import json
import time

import xmltodict
from hypothesis import event, given, settings
from hypothesis import strategies as st

from gateway.channels.wechat.crypto import MessageCipher
from tests.channels.wechat_client import ACCOUNT_ID, AES_KEY, APPID, TOKEN, _xml, sign
from tests.fuzz.strategies import CJK, FUZZ, assert_clear_4xx, json_values, weird_text

SAFE_TEXT = weird_text(30, surrogates=False)
xml_text = SAFE_TEXT.map(
    lambda s: "".join(
        c for c in s if c in "\t\n\r" or (ord(c) >= 0x20 and c not in "\ufffe\uffff" and not 0xD800 <= ord(c) <= 0xDFFF)
    )
)
message_fields = st.fixed_dictionaries(
    {
        "ToUserName": st.one_of(st.just(ACCOUNT_ID), xml_text),
        "FromUserName": st.one_of(st.just("o-fuzz"), xml_text),
        "CreateTime": st.one_of(st.just(int(time.time())), st.integers(-1, 2**40), xml_text),
        "MsgType": st.one_of(st.sampled_from(["text", "voice", "event", "image", "TEXT", "location"]), xml_text),
    },
    optional={
        "Content": xml_text,
        "MsgId": st.one_of(st.integers(0, 10**18), xml_text),
        "Recognition": xml_text,
        "Event": st.sampled_from(["subscribe", "unsubscribe", "CLICK", "VIEW", "SCAN"]),
        "EventKey": xml_text,
    },
)


def as_xml(fields) -> bytes:
    return _xml({k: v for k, v in fields.items()}).encode("utf-8")


def as_json(fields) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode("utf-8")


bodies = st.one_of(
    message_fields.map(as_xml),
    message_fields.map(as_json),
    st.binary(max_size=200),
    st.sampled_from([b"", b"<xml/>", b"<xml><a><b>1</b></a></xml>", b"{}", b"[]", b"null"]),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.lists(
        st.tuples(st.sampled_from(["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "x"]), xml_text),
        max_size=6,
    ).map(
        lambda pairs: (
            "<xml>" + "".join(f"<{k}>{v.replace('<', '&lt;').replace('&', '&amp;')}</{k}>" for k, v in pairs) + "</xml>"
        ).encode()
    ),
)


def check_reply(response, context, side=None) -> None:
    """200 with `success` or a passive text reply (in safe mode: `side` checks its signature and decrypts
    it with wechatpy); else a Chinese 4xx."""
    event(f"HTTP {response.status_code}")
    if response.status_code != 200:
        assert response.status_code in (400, 403, 413, 422), (response.status_code, response.text[:300], context)
        assert_clear_4xx(response, context)
        return
    if response.text == "success":
        return
    reply = side.read(response, safe=True) if side else xmltodict.parse(response.text)["xml"]
    assert reply["MsgType"] == "text" and reply["FromUserName"], (response.text, context)
    assert CJK.search(reply["Content"] or ""), (response.text, context)


@settings(FUZZ, max_examples=80)
@given(
    query=st.fixed_dictionaries(
        {},
        optional={
            k: SAFE_TEXT for k in ("signature", "timestamp", "nonce", "echostr", "msg_signature", "encrypt_type")
        },
    ),
    post=st.booleans(),
)
def test_unsigned_requests_are_a_chinese_403(gw, query, post):
    response = (
        gw.client.post("/wechat", params=query, content=b"<xml/>") if post else gw.client.get("/wechat", params=query)
    )
    assert response.status_code == 403, (query, response.status_code, response.text)
    assert_clear_4xx(response, query)


@settings(FUZZ, max_examples=40)
@given(echostr=SAFE_TEXT)
def test_signed_verification_echoes_exactly(gw, wechat, echostr):
    response = gw.client.get("/wechat", params={**wechat.query(), "echostr": echostr})
    assert response.status_code == 200 and response.text == echostr, (echostr, response.text)
    assert response.headers["content-type"].startswith("text/plain")


@settings(FUZZ, max_examples=120)
@given(
    body=bodies,
    content_type=st.sampled_from(["text/xml", "application/xml", "application/json", "text/plain", ""]),
    channel=st.sampled_from(["wechat", "mini"]),
)
def test_signed_plain_messages_get_a_reply_or_a_chinese_4xx(gw, wechat, mini, body, content_type, channel):
    side = wechat if channel == "wechat" else mini
    response = gw.client.post(
        side.url, params=side.query(), content=body, headers={"Content-Type": content_type} if content_type else {}
    )
    check_reply(response, body)


cipher = MessageCipher(AES_KEY, APPID)
plaintexts = st.one_of(message_fields.map(as_xml), message_fields.map(as_json), bodies, st.binary(max_size=100))
encrypts = st.one_of(
    plaintexts.map(lambda p: cipher.encrypt(p)),
    SAFE_TEXT,
    st.binary(min_size=1, max_size=64).map(lambda b: __import__("base64").b64encode(b).decode()),
)


@settings(FUZZ, max_examples=80)
@given(encrypt=encrypts, sign_it=st.booleans())
def test_safe_mode_messages_get_a_reply_or_a_chinese_4xx(gw, wechat, encrypt, sign_it):
    query = wechat.query()
    signature = sign(TOKEN, query["timestamp"], query["nonce"], encrypt) if sign_it else "0" * 40
    query.update(encrypt_type="aes", msg_signature=signature)
    envelope = _xml({"ToUserName": ACCOUNT_ID, "Encrypt": encrypt}).encode("utf-8")
    response = gw.client.post(wechat.url, params=query, content=envelope, headers={"Content-Type": "text/xml"})
    if not sign_it:  # refused: unsigned (403), or nothing to check the signature of (400)
        assert response.status_code in (400, 403), (encrypt, response.text)
    check_reply(response, encrypt, side=wechat)
