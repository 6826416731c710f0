"""WeChat's wire formats, read safely and written correctly.

Reading: XML through defusedxml (no DTD, no entity expansion, no external references) or JSON (the
mini-program push may use either); only flat `<xml><Field>value</Field>…</xml>` documents are accepted.
Writing: passive text replies and the safe-mode envelope, every value in CDATA with `]]>` split so that
no text can end the section early, and characters XML 1.0 forbids removed."""

from __future__ import annotations

import json
import re
import time
from typing import Dict, Optional
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from knowledge.tabular import INVALID_UNICODE, contains_lone_surrogate

MAX_FIELDS = 64
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class MalformedMessage(ValueError):
    """The body is not a WeChat message we can read."""


def parse_xml(body: bytes) -> Dict[str, str]:
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:  # billion laughs, external entities: refused before any expansion
        raise MalformedMessage("XML 中不允许 DTD 或实体声明") from exc
    except LookupError as exc:
        raise MalformedMessage("XML 声明了不支持的编码") from exc
    except (ParseError, ValueError) as exc:
        raise MalformedMessage("XML 格式错误") from exc
    if root.tag != "xml":
        raise MalformedMessage("XML 根元素应为 <xml>")
    fields: Dict[str, str] = {}
    for child in list(root)[:MAX_FIELDS]:
        if len(child):  # nested structures (e.g. ScanCodeInfo) are not used by this channel
            continue
        fields[child.tag] = (child.text or "").strip()
    return fields


def parse_json(body: bytes) -> Dict[str, str]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise MalformedMessage("JSON 无法解析") from exc
    if not isinstance(data, dict):
        raise MalformedMessage("JSON 应为对象")
    if contains_lone_surrogate(data):
        raise MalformedMessage("JSON " + INVALID_UNICODE)
    return {
        str(k): str(v).strip()
        for k, v in list(data.items())[:MAX_FIELDS]
        if isinstance(v, (str, int, float)) and not isinstance(v, bool)
    }


def parse_any(body: bytes) -> Dict[str, str]:
    """XML or JSON, told apart by the first non-blank byte."""
    head = body.lstrip()[:1]
    if head == b"{":
        return parse_json(body)
    if head == b"<":
        return parse_xml(body)
    raise MalformedMessage("消息体应为 XML 或 JSON")


def xml_safe(text: str) -> str:
    return _XML_FORBIDDEN.sub("", text)


def cdata(text: str) -> str:
    return "<![CDATA[" + xml_safe(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(to_user: str, from_user: str, content: str, create_time: Optional[int] = None) -> str:
    return (
        "<xml>"
        f"<ToUserName>{cdata(to_user)}</ToUserName>"
        f"<FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(create_time or time.time())}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content>"
        "</xml>"
    )


def encrypted_reply(encrypt: str, msg_signature: str, timestamp: str, nonce: str) -> str:
    return (
        "<xml>"
        f"<Encrypt>{cdata(encrypt)}</Encrypt>"
        f"<MsgSignature>{cdata(msg_signature)}</MsgSignature>"
        f"<TimeStamp>{int(timestamp)}</TimeStamp>"
        f"<Nonce>{cdata(nonce)}</Nonce>"
        "</xml>"
    )
