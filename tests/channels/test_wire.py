"""Safe XML reading (no entity expansion, no DTD) and correct reply writing (`]]>` and control chars)."""

import pytest
import xmltodict
from defusedxml.ElementTree import fromstring

from gateway.channels.wechat.inbound import Inbound
from gateway.channels.wechat.wire import MalformedMessage, cdata, parse_any, parse_json, parse_xml, text_reply

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xml><ToUserName>gh</ToUserName><Content>&lol3;</Content></xml>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><Content>&xxe;</Content></xml>"""


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        EXTERNAL_ENTITY,
        b"<!DOCTYPE xml><xml/>",
        b"<xml><a>",
        b"<root/>",
        "<xml><a>\x00</a></xml>".encode(),
    ],
)
def test_dangerous_or_broken_xml_is_refused(body):
    with pytest.raises(MalformedMessage):
        parse_xml(body)


def test_flat_fields_are_read_and_nested_ones_ignored():
    fields = parse_xml(
        b"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1700000000</CreateTime>"
        b"<ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo><Content><![CDATA[ a<b ]]></Content></xml>"
    )
    assert fields == {"ToUserName": "gh_1", "CreateTime": "1700000000", "Content": "a<b"}


def test_json_and_dispatch():
    assert parse_json('{"MsgType": "text", "CreateTime": 1700000000, "Nested": {"a": 1}, "Flag": true}'.encode()) == {
        "MsgType": "text",
        "CreateTime": "1700000000",
    }
    assert parse_any(b'  {"A": "b"}') == {"A": "b"}
    assert parse_any(b"<xml><A>b</A></xml>") == {"A": "b"}
    for bad in (b"[1]", b"{bad", b"plain", '{"a": "\xff"}'.encode("latin-1")):
        with pytest.raises(MalformedMessage):
            parse_any(bad)


@pytest.mark.parametrize("text", ["答案]]>后面还有", "]]>", "a]]]]>b", "<xml>&amp;</xml>", "结尾]]"])
def test_reply_text_with_cdata_end_survives_the_xml(text):
    xml = text_reply("o-user", "gh_1", text, create_time=1700000000)
    assert fromstring(xml).find("Content").text == text  # defusedxml
    assert xmltodict.parse(xml)["xml"]["Content"] == text  # what wechatpy uses
    assert xmltodict.parse(xml)["xml"]["MsgType"] == "text"


def test_characters_xml_forbids_are_dropped():
    xml = text_reply("o", "gh", "第一行\x00\x0b\x1f第二行\n\t完", create_time=1)
    assert fromstring(xml).find("Content").text == "第一行第二行\n\t完"
    assert cdata("]]>") == "<![CDATA[]]]]><![CDATA[>]]>"


def test_inbound_requires_the_envelope_fields_and_dedupes_by_msgid_or_sender_and_time():
    with pytest.raises(MalformedMessage, match="FromUserName"):
        Inbound.from_fields({"ToUserName": "gh", "CreateTime": "1", "MsgType": "text"})
    text = Inbound.from_fields(
        {"ToUserName": "gh", "FromUserName": "o1", "CreateTime": "1", "MsgType": "TEXT", "MsgId": "42"}
    )
    assert text.msg_type == "text" and text.dedupe_key == "msg:42"
    event = Inbound.from_fields(
        {"ToUserName": "gh", "FromUserName": "o1", "CreateTime": "1700000000", "MsgType": "event", "Event": "subscribe"}
    )
    assert event.dedupe_key == "event:o1:1700000000:subscribe:"
