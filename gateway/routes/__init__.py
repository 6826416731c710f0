"""Every HTTP route of the gateway, one module per resource; `ROUTERS` is what the app mounts (add a new
module here). The staff admin API is the `admin/` package."""

from gateway.routes import admin, chat, health, kb_page, live, metrics, search, web_page, wechat

ROUTERS = (
    chat.router,
    live.router,
    search.router,
    health.router,
    wechat.router,
    web_page.router,
    kb_page.router,
    metrics.router,
    admin.router,
)
