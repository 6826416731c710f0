"""The one place that reads environment variables.

Every process (gateway, action server, launcher, CLIs) takes its configuration from `get_settings()`.
Defaults are the embedded ones: SQLite, an on-disk index under `var/`, in-memory stores when no
`REDIS_URL` is given. The README lists every variable; a test checks the list stays complete.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Optional
from urllib.parse import urlparse

from pydantic import BaseSettings, Field, validator

ROOT = Path(__file__).resolve().parent


class Settings(BaseSettings):
    """Environment variables (names are the field names upper-cased) and their defaults."""

    data_dir: Path = Field(ROOT / "var", description="运行时数据目录（数据库、索引、模型、日志）")
    kb_profile_dir: Path = Field(
        ROOT / "knowledge" / "sample" / "shanxi", description="启动时载入的知识库目录（示例：山西）"
    )
    database_url: Optional[str] = Field(None, description="知识库数据库；默认 var/ 下的 SQLite")
    search_index_dir: Optional[Path] = Field(None, description="Whoosh 索引目录；默认 var/index")
    redis_url: Optional[str] = Field(None, description="设置后 Rasa 对话状态与锁、去重、限流改用 Redis")
    gateway_host: str = Field("127.0.0.1", description="网关监听地址")
    gateway_port: int = Field(8000, description="网关端口")
    public_base_url: Optional[str] = Field(
        None,
        description="群众访问网关的地址（如 https://zw.example.gov.cn），用于回复中的链接；默认 http://网关地址:端口",
    )
    rasa_url: str = Field("http://127.0.0.1:5005", description="Rasa 服务地址")
    action_server_url: str = Field("http://127.0.0.1:5055", description="动作服务器地址")
    application_api_url: str = Field("http://127.0.0.1:8100", description="平台办事接口（开发时为参考服务器）")
    rasa_model: Optional[Path] = Field(None, description="Rasa 模型文件；默认 var/models/bot.tar.gz")
    application_api_service_token: Optional[str] = Field(
        None,
        description="网关以服务身份调用平台接口（离线留言答复的消息推送 POST /messages）时带的令牌"
        "（Authorization: Bearer）；不设则不带。本机的参考服务器用同一个值校验",
    )
    application_api_timeout_seconds: float = Field(5.0, description="调用平台办事接口的超时（秒）")
    application_api_breaker_failures: int = Field(5, description="平台办事接口连续失败几次后暂停调用（熔断）")
    application_api_breaker_reset_seconds: float = Field(30.0, description="熔断后多少秒再试探调用")
    outbox_database_url: Optional[str] = Field(None, description="转办发件箱数据库；默认 var/outbox.sqlite3")
    outbox_poll_seconds: float = Field(10.0, description="发件箱重发间隔（秒，失败后按倍数退避）")
    staff_admin_token: Optional[str] = Field(None, description="启动时设置则为内置管理员的令牌")
    index_sync_interval_seconds: float = Field(1.0, description="网关增量同步搜索索引的间隔（秒）；0 为不同步")
    semantic_search: bool = Field(
        True, description="语义检索通道（multilingual-e5-small 句向量，与词面检索融合）；false 为只用词面"
    )
    semantic_vectors_path: Optional[Path] = Field(
        None, description="句向量缓存（SQLite，按文本存，可多个索引共用）；默认 var/vectors.sqlite3"
    )
    semantic_threads: int = Field(1, description="每次算句向量用的线程数（2 核机器上 1 最快，见 benchmarks/README.md）")
    staff_import_max_mb: int = Field(20, description="工作人员一次导入文件的大小上限（MB）")
    chat_max_chars: int = Field(500, description="单条消息最大字数")
    rasa_timeout_seconds: float = Field(20.0, description="网关等待 Rasa 回复的超时")
    tracker_expiry_seconds: int = Field(7 * 24 * 3600, description="Redis 中对话状态的保留时长")
    wechat_token: Optional[str] = Field(None, description="公众号 Token")
    wechat_appid: Optional[str] = Field(None, description="公众号 AppID")
    wechat_aes_key: Optional[str] = Field(None, description="公众号 EncodingAESKey（安全模式）")
    wechat_app_secret: Optional[str] = Field(None, description="公众号 AppSecret（客服消息接口取 access_token 用）")
    wechat_api_base: str = Field("https://api.weixin.qq.com", description="微信接口地址（测试时指向本机的模拟服务）")
    wechat_reply_deadline_seconds: float = Field(4.0, description="超过此秒数仍未答出则先回 success，答案改走客服消息")
    wechat_timestamp_window_seconds: int = Field(
        300, description="微信请求的 timestamp 与本机时间最多相差的秒数；超出即拒绝（防重放）"
    )
    miniprogram_token: Optional[str] = Field(None, description="小程序消息推送 Token")
    miniprogram_appid: Optional[str] = Field(None, description="小程序 AppID")
    miniprogram_app_secret: Optional[str] = Field(None, description="小程序 AppSecret")
    miniprogram_aes_key: Optional[str] = Field(None, description="小程序消息推送 EncodingAESKey（安全模式）")
    cors_origins: str = Field("", description="允许跨域调用的来源，逗号分隔；空则不允许跨域")
    rate_limit_messages: int = Field(20, description="每位用户每个时间窗内最多的消息数；0 为不限")
    rate_limit_window_seconds: int = Field(60, description="限流时间窗（秒）")
    rate_limit_address_messages: int = Field(
        300, description="同一客户端地址每个时间窗内最多的对话消息数（/api/chat，防轮换 sender_id）；0 为不限"
    )
    rate_limit_search_requests: int = Field(
        300, description="同一客户端地址每个时间窗内最多的搜索请求数（/api/search 与联想）；0 为不限"
    )
    rate_limit_address_events: int = Field(
        1800,
        description="同一客户端地址每个时间窗内最多拉取多少次客服消息（/api/chat/{sender_id}/events）；"
        "网页人工会话中每 2 秒拉一次，即每分钟 30 次，默认够同一出口地址后约 60 人同时在人工会话中；0 为不限",
    )
    trusted_proxies: str = Field(
        "", description="可信反向代理的地址或网段，逗号分隔；只有来自它们的 X-Forwarded-For 才被采信"
    )
    gateway_mode: str = Field(
        "development", description="development 或 production；production 下 /metrics 须令牌、不提供 /openapi.json"
    )
    metrics_token: Optional[str] = Field(None, description="设置后 /metrics 须带 Authorization: Bearer <令牌>")
    rasa_api_token: Optional[str] = Field(
        None, description="设置后 Rasa 的 HTTP 接口以此令牌开启（--enable-api --auth-token）；不设则关闭"
    )
    wechat_allow_plain: bool = Field(
        False, description="已配置 EncodingAESKey 时是否仍接受明文消息（默认拒绝，仅在迁移期临时打开）"
    )
    live_chat_enabled: bool = Field(
        True, description="转人工接入在线客服（坐席工作台）；false 则“转人工”只告知热线电话"
    )
    live_chat_timezone: str = Field("Asia/Shanghai", description="人工服务时间（档案 live_chat.hours）所用的时区")
    live_agent_timeout_seconds: float = Field(
        150.0,
        description="坐席工作台超过此秒数没有心跳（浏览器关闭、断网）即视为离线，其会话退回排队；"
        "浏览器会把后台标签页的定时器降到每分钟一次，故默认留出两分半",
    )
    live_abandon_minutes: float = Field(
        120.0, description="排队中的群众超过此分钟数没有发消息即视为已离开，会话移出排队、交还智能客服"
    )
    live_poll_seconds: float = Field(2.0, description="网页在人工会话中拉取客服消息的间隔（秒）")
    live_sweep_seconds: float = Field(
        15.0,
        description="每隔多少秒检查一次：坐席掉线的会话退回排队；坐席全部离线时排队中的会话转为离线留言；"
        "0 为只在坐席读排队时检查",
    )
    log_level: str = Field("INFO", description="日志级别")

    class Config:
        env_file = None
        case_sensitive = False

    @validator("gateway_mode")
    def _known_mode(cls, v: str) -> str:
        if v.strip().lower() not in ("development", "production"):
            raise ValueError("GATEWAY_MODE 只能是 development 或 production")
        return v.strip().lower()

    @property
    def production(self) -> bool:
        return self.gateway_mode.strip().lower() == "production"

    @property
    def public_url(self) -> str:
        return (self.public_base_url or f"http://{self.gateway_host}:{self.gateway_port}").rstrip("/")

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'knowledge.sqlite3'}"

    @property
    def outbox_database(self) -> str:
        return self.outbox_database_url or f"sqlite:///{self.data_dir / 'outbox.sqlite3'}"

    @property
    def index_dir(self) -> Path:
        return self.search_index_dir or self.data_dir / "index"

    @property
    def vectors_path(self) -> Path:
        return self.semantic_vectors_path or self.data_dir / "vectors.sqlite3"

    @property
    def model_path(self) -> Path:
        return self.rasa_model or self.data_dir / "models" / "bot.tar.gz"

    @property
    def action_endpoint(self) -> str:
        return self.action_server_url.rstrip("/") + "/webhook"

    def redis_parts(self) -> Optional[dict]:
        """REDIS_URL split into what Rasa's Redis stores take (host, port, db, password, ssl)."""
        if not self.redis_url:
            return None
        url = urlparse(self.redis_url)
        db = (url.path or "/0").lstrip("/") or "0"
        return {
            "host": url.hostname or "127.0.0.1",
            "port": url.port or 6379,
            "db": int(db),
            "password": url.password or "",
            "use_ssl": url.scheme == "rediss",
        }


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    """Tests change the environment and call this to read it again."""
    get_settings.cache_clear()


def env_names() -> list:
    """Every environment variable the project reads, upper-cased."""
    return sorted(name.upper() for name in Settings.__fields__)


__all__ = ["Settings", "get_settings", "reset_settings_cache", "env_names", "ROOT"]
