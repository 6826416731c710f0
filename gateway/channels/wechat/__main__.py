"""`python -m gateway.channels.wechat create-menu`: creates the Official Account's custom menu
(gateway/channels/wechat/menu.py) through the WeChat API, with WECHAT_APPID and WECHAT_APP_SECRET; `print-menu`
only prints it."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from gateway.channels.wechat.api import WeChatApi, WeChatApiError
from gateway.channels.wechat.menu import menu_definition
from gateway.kv import open_store
from settings import get_settings


async def _create() -> int:
    settings = get_settings()
    if not (settings.wechat_appid and settings.wechat_app_secret):
        print("请先设置 WECHAT_APPID 与 WECHAT_APP_SECRET", file=sys.stderr)
        return 2
    kv = open_store(settings.redis_url)
    api = WeChatApi(settings.wechat_api_base, settings.wechat_appid, settings.wechat_app_secret, kv)
    try:
        await api.create_menu(menu_definition())
    except WeChatApiError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        await api.close()
        await kv.close()
    print("公众号菜单已创建。")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.channels.wechat", description="公众号菜单")
    parser.add_argument("command", choices=["create-menu", "print-menu"])
    args = parser.parse_args(argv)
    if args.command == "print-menu":
        print(json.dumps(menu_definition(), ensure_ascii=False, indent=2))
        return 0
    return asyncio.run(_create())


if __name__ == "__main__":
    sys.exit(main())
