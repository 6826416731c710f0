"""Hand-picked hostile requests that a generator rarely builds: raw bytes that are not UTF-8, bodies over
the size limits (declared and streamed), XML bombs and external entities (plain, inside the safe-mode
ciphertext, inside an XLSX), JSON nested too deep or with numbers too big, and wrong content types.
Each must be a clear Chinese 4xx from the real gateway process, and leave the knowledge base unchanged."""

from __future__ import annotations

import io
import zipfile

import pytest

from gateway.channels.wechat.crypto import MessageCipher
from tests.channels.wechat_client import AES_KEY, APPID, TOKEN, _xml, sign
from tests.fuzz.strategies import assert_clear_4xx
from tests.fuzz.test_admin_fuzz import FAQ_COLUMNS, kb_state

INVALID_UTF8 = [
    b"\xff\xfe\xfd",
    b'{"sender_id": "u1", "text": "\xc3\x28"}',
    b'{"text": "\xed\xa0\x80"}',
    b"\x80abc",
    '{"sender_id": "u1", "text": "你好"}'.encode("gbk"),
]
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(8))
    + b"]><xml><ToUserName>gh</ToUserName><FromUserName>o-bomb</FromUserName><CreateTime>1</CreateTime>"
    + b"<MsgType>text</MsgType><Content>&i;</Content></xml>"
)
XXE_FILE = (
    b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><ToUserName>gh'
    b"</ToUserName><FromUserName>o-xxe</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType>"
    b"<Content>&x;</Content></xml>"
)
XXE_PARAMETER = b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]><xml/>'
EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE xml SYSTEM "http://127.0.0.1:9/x.dtd"><xml/>'
QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "'
    + b"x" * 4000
    + b'">]><xml><Content>'
    + b"&a;" * 2000
    + b"</Content></xml>"
)
XML_BOMBS = {
    "billion laughs": BILLION_LAUGHS,
    "external entity (file)": XXE_FILE,
    "parameter entity": XXE_PARAMETER,
    "external DTD": EXTERNAL_DTD,
    "quadratic blowup": QUADRATIC,
    "unknown encoding": b'<?xml version="1.0" encoding="x-nonexistent"?><xml/>',
}


@pytest.mark.parametrize("body", INVALID_UTF8, ids=range(len(INVALID_UTF8)))
@pytest.mark.parametrize("path", ["/api/chat", "/admin/faqs"])
def test_bodies_that_are_not_utf8(gw, path, body):
    before = kb_state(gw)
    response = gw.client.post(path, content=body, headers={**gw.admin, "Content-Type": "application/json"})
    assert response.status_code in (400, 422), response.text
    assert_clear_4xx(response, body)
    assert kb_state(gw) == before


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"[" * 20000 + b"]" * 20000, "嵌套层数过多"),
        (b'{"a":' * 9000 + b"1" + b"}" * 9000, "嵌套层数过多"),
        (b'{"sender_id": "u1", "text": 1' + b"0" * 5000 + b"}", "请求体"),  # beyond Python's int-parsing limit
        (b'{"sender_id": "u1", "text": 1e999999}', "text（消息内容）应为字符串"),
        (b'{"sender_id": "u1", "text": "\\ud83d"}', "Unicode"),
        (b'{"sender_id": "u1", "text": "\\udc00\\ud800"}', "Unicode"),
        (b'{"sender_id": "\\ud800", "text": "hi"}', "Unicode"),
        (b'{"sender_id": "u1", "text": "hi", "region": "\\udfff"}', "Unicode"),
        (b"", "缺少请求体"),
        (b"null", "缺少请求体"),
        (b'{"sender_id": "u1", "text": "hi",}', "不是合法的 JSON"),
    ],
)
def test_json_that_decodes_badly_or_not_at_all(gw, body, expected):
    response = gw.client.post("/api/chat", content=body, headers={"Content-Type": "application/json"})
    assert expected in assert_clear_4xx(response, body[:80]), response.text


def test_an_escaped_surrogate_pair_is_an_ordinary_emoji(gw):
    response = gw.client.post(
        "/api/chat",
        content=b'{"sender_id": "u-pair", "text": "\\ud83d\\ude00"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 503 and "12345" in response.json()["detail"], response.text  # reached Rasa


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=gbk",
    ],
)
def test_wrong_content_types_on_chat(gw, content_type):
    body = (
        b"sender_id=u1&text=hi"
        if "form-urlencoded" in content_type
        else b"--x\r\n\r\nhi\r\n--x--\r\n"
        if "multipart" in content_type
        else b"<xml/>"
    )
    response = gw.client.post("/api/chat", content=body, headers={"Content-Type": content_type})
    assert response.status_code in (400, 422), response.text
    assert_clear_4xx(response, content_type)


def test_wrong_methods_are_a_chinese_405(gw):
    for method, path in (("GET", "/api/chat"), ("PUT", "/api/chat"), ("DELETE", "/api/search"), ("PATCH", "/wechat")):
        response = gw.client.request(method, path)
        assert response.status_code == 405 and response.json()["detail"] == "不支持该请求方法", (method, path)


@pytest.mark.parametrize(
    "path, size, limit_kb", [("/api/chat", 65 * 1024, 64), ("/admin/faqs", 65 * 1024, 64), ("/wechat", 17 * 1024, 16)]
)
@pytest.mark.parametrize("streamed", [False, True])
def test_bodies_over_the_limit(gw, wechat, path, size, limit_kb, streamed):
    body = b'{"sender_id": "u1", "text": "' + b"a" * size + b'"}'
    params = wechat.query() if path == "/wechat" else None
    content = iter([body[i : i + 8192] for i in range(0, len(body), 8192)]) if streamed else body
    response = gw.client.post(
        path, params=params, content=content, headers={**gw.admin, "Content-Type": "application/json"}
    )
    assert response.status_code == 413, response.text
    assert f"最多 {limit_kb} KB" in assert_clear_4xx(response, path)


def test_an_import_over_its_limit(gw):
    before = kb_state(gw)
    big = b",".join(FAQ_COLUMNS[i % 7].encode() for i in range(7)) + b"\n" + b"x" * (1024 * 1024 + 10)
    response = gw.client.post("/admin/faqs/import", headers=gw.admin, files={"file": ("faqs.csv", big)})
    assert response.status_code == 413 and "最多 1024 KB" in assert_clear_4xx(response), response.text
    assert kb_state(gw) == before


@pytest.mark.parametrize("name", sorted(XML_BOMBS))
def test_xml_bombs_on_wechat_plain(gw, wechat, name):
    response = gw.client.post(
        wechat.url, params=wechat.query(), content=XML_BOMBS[name], headers={"Content-Type": "text/xml"}
    )
    assert response.status_code in (400, 413), response.text
    assert_clear_4xx(response, name)
    assert "root:" not in response.text and "/bin/" not in response.text


@pytest.mark.parametrize("name", sorted(XML_BOMBS))
def test_xml_bombs_inside_the_safe_mode_ciphertext(gw, wechat, name):
    encrypt = MessageCipher(AES_KEY, APPID).encrypt(XML_BOMBS[name])
    query = wechat.query()
    query.update(encrypt_type="aes", msg_signature=sign(TOKEN, query["timestamp"], query["nonce"], encrypt))
    response = gw.client.post(
        wechat.url,
        params=query,
        content=_xml({"ToUserName": "gh", "Encrypt": encrypt}).encode(),
        headers={"Content-Type": "text/xml"},
    )
    assert response.status_code in (400, 413), response.text
    assert_clear_4xx(response, name)


def test_a_bomb_in_the_safe_mode_envelope_itself(gw, wechat):
    query = wechat.query()
    query.update(encrypt_type="aes", msg_signature="0" * 40)
    response = gw.client.post(wechat.url, params=query, content=BILLION_LAUGHS, headers={"Content-Type": "text/xml"})
    assert response.status_code == 400 and "DTD" in assert_clear_4xx(response), response.text


def _xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A minimal XLSX whose first worksheet is `sheet_xml`."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item, data)
    return out.getvalue()


SHEET_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
        b'<!DOCTYPE worksheet [<!ENTITY d SYSTEM "file:///etc/passwd">]>',
    ],
    ids=["billion laughs", "external entity"],
)
def test_xml_bombs_inside_an_xlsx_import(gw, doctype):
    sheet = (
        b'<?xml version="1.0"?>' + doctype + b"<worksheet " + SHEET_NS + b"><sheetData>"
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>&d;</t></is></c></row></sheetData></worksheet>'
    )
    before = kb_state(gw)
    response = gw.client.post(
        "/admin/faqs/import", headers=gw.admin, files={"file": ("faqs.xlsx", _xlsx_with_sheet(sheet))}
    )
    assert response.status_code == 422, response.text
    assert_clear_4xx(response)
    assert "root:" not in response.text and "aaaaaaaaaa" not in response.text
    assert kb_state(gw) == before
