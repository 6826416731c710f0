"""Prometheus metrics of one gateway process (served at `GET /metrics` by gateway/routes/metrics.py): HTTP
latency per route, chat-turn latency per channel, fallbacks, submissions and 转人工, errors, and the WeChat reply
paths."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

TURN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 8.0, 13.0, 20.0, 30.0)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class GatewayMetrics:
    """One registry per app instance, so several apps in one process (tests) do not collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.http_duration = Histogram(
            "gateway_http_request_duration_seconds",
            "HTTP 请求耗时（按路由）",
            ["method", "route"],
            buckets=HTTP_BUCKETS,
            registry=r,
        )
        self.http_requests = Counter(
            "gateway_http_requests_total", "HTTP 请求数（按路由与状态码）", ["method", "route", "status"], registry=r
        )
        self.turn_duration = Histogram(
            "chat_turn_duration_seconds", "一轮对话的耗时（按渠道）", ["channel"], buckets=TURN_BUCKETS, registry=r
        )
        self.turns = Counter("chat_turns_total", "对话轮数（按渠道）", ["channel"], registry=r)
        self.fallbacks = Counter("chat_fallbacks_total", "未能作答的轮数（按渠道）", ["channel"], registry=r)
        self.handoffs = Counter(
            "chat_handoffs_total", "转办/转人工的轮数（按渠道与意图）", ["channel", "intent"], registry=r
        )
        self.errors = Counter("chat_errors_total", "对话出错次数（按渠道与原因）", ["channel", "kind"], registry=r)
        self.rate_limited = Counter(
            "chat_rate_limited_total", "因发送过快被限流的消息数（按渠道）", ["channel"], registry=r
        )
        self.wechat_replies = Counter(
            "wechat_replies_total",
            "微信回复方式：passive 被动回复、customer_service 客服消息、none 无需回复",
            ["channel", "path"],
            registry=r,
        )
        self.wechat_duplicates = Counter("wechat_duplicates_total", "微信重试的重复消息数", ["channel"], registry=r)
        self.wechat_token_fetches = Counter(
            "wechat_access_token_fetches_total", "向微信获取 access_token 的次数", ["appid"], registry=r
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
