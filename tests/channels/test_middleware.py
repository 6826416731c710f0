"""Request ids, CORS for configured origins only, Prometheus metrics, structured logs with PII masked."""

import json
import logging

import httpx
import pytest

from gateway.middleware.cors import parse_origins
from gateway.middleware.logs import JsonFormatter, MaskingFilter
from privacy import mask_text
from tests.channels.conftest import channel_settings
from tests.channels.wechat_client import WeChatSide, text_fields


@pytest.mark.parametrize(
    "text, masked",
    [
        ("身份证号110101199003071234，手机13812345678", "身份证号110***********1234，手机138****5678"),
        ("11010119900307123X", "110***********123X"),
        ("旧证号 110101900307123 在此", "旧证号 110********7123 在此"),
        ("电话 +86 138-1234-5678 或 138 1234 5678", "电话 +86 138****5678 或 138****5678"),
        ("热线 12345、座机 0351-1234567、办件号 SX2024000123", "热线 12345、座机 0351-****4567、办件号 SX2024000123"),
        ("流水号2024010112345678901234", "流水号2024010112345678901234"),  # 22 digits: neither
    ],
)
def test_masking(text, masked):
    assert mask_text(text) == masked


def test_log_records_are_masked_as_json_lines():
    record = logging.makeLogRecord(
        {
            "name": "gateway.test",
            "levelname": "INFO",
            "msg": "用户 %s 说 %s",
            "args": ("13812345678", "身份证110101199003071234"),
            "fields": {"text": "我的电话13812345678", "n": 3},
        }
    )
    MaskingFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "用户 138****5678 说 身份证110***********1234"
    assert line["text"] == "我的电话138****5678" and line["n"] == 3 and line["level"] == "INFO"


def test_uvicorn_access_records_keep_their_tuple_args():
    record = logging.makeLogRecord(
        {"msg": '%s - "%s %s HTTP/%s" %d', "args": ("127.0.0.1:5000", "GET", "/api/search?q=13812345678", "1.1", 200)}
    )
    MaskingFilter().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /api/search?q=138****5678 HTTP/1.1" 200'


def test_wildcard_cors_is_refused():
    assert parse_origins(" https://a.gov.cn/ , https://b.gov.cn") == ["https://a.gov.cn", "https://b.gov.cn"]
    assert parse_origins("") == []
    with pytest.raises(ValueError, match="不允许使用"):
        parse_origins("*")


async def _client(tmp_path, index, **overrides):
    from gateway.app import create_app

    app = create_app(channel_settings(tmp_path, index, **overrides))
    return app, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw")


async def test_cors_only_for_configured_origins(tmp_path, channel_index):
    app, client = await _client(tmp_path, channel_index, cors_origins="https://m.sx.gov.cn")
    async with client:
        allowed = await client.options(
            "/api/chat", headers={"Origin": "https://m.sx.gov.cn", "Access-Control-Request-Method": "POST"}
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://m.sx.gov.cn"
        other = await client.get("/api/search", params={"q": "社保卡"}, headers={"Origin": "https://evil.example"})
        assert other.status_code == 200 and "access-control-allow-origin" not in other.headers
        refused = await client.options(
            "/api/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        )
        assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
    app, client = await _client(tmp_path, channel_index)  # none configured: no CORS at all
    async with client:
        plain = await client.get("/api/search", params={"q": "社保卡"}, headers={"Origin": "https://m.sx.gov.cn"})
        assert "access-control-allow-origin" not in plain.headers


async def test_request_ids_and_access_log(gateway, caplog):
    caplog.set_level(logging.INFO, logger="gateway.access")
    given = await gateway.get("/api/search", params={"q": "社保卡"}, headers={"X-Request-ID": "req-abc-12345"})
    assert given.headers["X-Request-ID"] == "req-abc-12345"
    made = await gateway.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert len(made.headers["X-Request-ID"]) == 32 and made.headers["X-Request-ID"] != "bad id\nwith newline"
    lines = [r for r in caplog.records if getattr(r, "fields", {}).get("event") == "http_request"]
    assert [(r.fields["route"], r.fields["status"]) for r in lines] == [("/api/search", 200), ("/healthz", 503)]


async def test_metrics_per_channel(gateway):
    await gateway.post("/api/chat", json={"sender_id": "m1", "text": "你好", "channel": "web"})
    await gateway.post("/api/chat", json={"sender_id": "m1", "text": "你好", "channel": "无穷多的渠道名"})
    wechat = WeChatSide(str(gateway.base_url))
    await wechat.post(gateway, text_fields("o-metrics", "你好"))
    await gateway.get("/api/nothing")
    body = (await gateway.get("/metrics")).text
    assert 'chat_errors_total{channel="web",kind="rasa_unavailable"} 1.0' in body
    assert 'chat_errors_total{channel="other",kind="rasa_unavailable"} 1.0' in body  # bounded labels
    assert 'chat_errors_total{channel="wechat",kind="rasa_unavailable"} 1.0' in body
    assert 'wechat_replies_total{channel="wechat",path="passive"} 1.0' in body
    assert 'gateway_http_requests_total{method="POST",route="/api/chat",status="503"} 2.0' in body
    assert 'gateway_http_requests_total{method="GET",route="unmatched",status="404"} 1.0' in body
    assert 'gateway_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/wechat"}' in body
    for name in ("chat_turn_duration_seconds", "chat_fallbacks_total", "chat_handoffs_total"):
        assert f"# TYPE {name}" in body
