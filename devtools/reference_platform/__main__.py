"""``python -m devtools.reference_platform [--host H] [--port P] [--db PATH]`` serves the API with uvicorn."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import List, Optional

DEFAULT_DB = "var/reference_api.sqlite3"


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.reference_platform",
        description="政务服务平台申办接口参考服务器（开发与测试用）",
    )
    parser.add_argument("--host", default=os.environ.get("REFERENCE_API_HOST", "127.0.0.1"), help="监听地址")
    parser.add_argument("--port", type=int, default=int(os.environ.get("REFERENCE_API_PORT", "8100")), help="端口")
    parser.add_argument(
        "--db",
        default=os.environ.get("REFERENCE_API_DB") or DEFAULT_DB,
        help=f"SQLite 数据库文件（环境变量 REFERENCE_API_DB，默认 {DEFAULT_DB}）",
    )
    parser.add_argument("--slot-capacity", type=int, default=None, help="每个预约时段的号源数（默认 2）")
    parser.add_argument(
        "--service-token",
        default=os.environ.get("REFERENCE_API_SERVICE_TOKEN", ""),
        help="设置后，服务间调用（消息推送 POST /messages）须带 Authorization: Bearer <此令牌>"
        "（环境变量 REFERENCE_API_SERVICE_TOKEN，默认不设）",
    )
    parser.add_argument("--log-level", default="info", help="uvicorn 日志级别")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    import uvicorn

    from .app import create_app
    from .models import DEFAULT_SLOT_CAPACITY

    Path(args.db).expanduser().parent.mkdir(parents=True, exist_ok=True)
    capacity = args.slot_capacity if args.slot_capacity is not None else DEFAULT_SLOT_CAPACITY
    app = create_app(args.db, slot_capacity=capacity, service_token=args.service_token)
    # No websockets here; "none" also avoids uvicorn importing an incompatible websockets package.
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, ws="none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
