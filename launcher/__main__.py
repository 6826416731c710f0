"""`python -m launcher`: the whole stack in the foreground; `python -m launcher SERVICE`: one process
in the foreground (what each Docker container runs), e.g. `python -m launcher rasa`."""

from __future__ import annotations

import argparse
import os
import sys

from launcher.services import build_services, child_environment
from launcher.supervisor import run_stack


def main(argv=None) -> int:
    from settings import get_settings

    settings = get_settings()
    services = build_services(settings)
    parser = argparse.ArgumentParser(prog="python -m launcher", description="启动政务服务智能客服")
    parser.add_argument("service", nargs="?", choices=sorted(services), help="只启动这一个进程")
    args = parser.parse_args(argv)
    if args.service:
        service = services[args.service]
        os.execvpe(service.argv[0], service.argv, child_environment({**os.environ, **service.env}))
    if not settings.model_path.exists():
        print(f"找不到 Rasa 模型 {settings.model_path}，请先运行 make train", file=sys.stderr)
        return 2
    gateway = f"http://127.0.0.1:{settings.gateway_port}"
    banner = [
        "政务服务智能客服已启动：",
        f"  对话接口  POST {gateway}/api/chat",
        f"  搜索接口  GET  {gateway}/api/search?q=身份证",
        f"  健康检查  GET  {gateway}/healthz",
        "按 Ctrl-C 停止全部进程。",
    ]
    return run_stack(services, settings.data_dir / "logs", banner)


if __name__ == "__main__":
    sys.exit(main())
