"""Prometheus metrics of one gateway process (served at `GET /metrics` by gateway/routes/metrics.py): HTTP
latency per route, chat-turn latency per channel, fallbacks, submissions and 转人工, errors, and the WeChat reply
paths."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

TURN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 8.0, 13.0, 20.0, 30.0)
LIVE_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600)
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
        self.live_sessions = Counter(
            "live_sessions_total",
            "转人工会话事件：opened 进入排队、taken 接入、cancelled 取消、requeued 退回排队、transferred 转部门、"
            "closed_<结果> 结束、ticket 离线留言",
            ["event"],
            registry=r,
        )
        self.live_wait = Histogram("live_wait_seconds", "转人工排队等待时长（秒）", buckets=LIVE_BUCKETS, registry=r)
        self.live_first_response = Histogram(
            "live_first_response_seconds", "接入后客服首次回复的时长（秒）", buckets=LIVE_BUCKETS, registry=r
        )
        self.live_ratings = Counter(
            "live_ratings_total", "人工服务后的评价（5 满意、3 基本满意、1 不满意）", ["rating"], registry=r
        )
        self.live_waiting = Gauge("live_queue_waiting", "正在排队等待人工的会话数", registry=r)
        self.live_agents_online = Gauge("live_agents_online", "在线的坐席数", registry=r)
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
