"""CORS for the configured origins only (`CORS_ORIGINS`, comma-separated); none configured → no CORS
headers at all, so browsers refuse cross-site calls. The H5 page is served by the gateway itself."""

from __future__ import annotations

from typing import List

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response

from gateway.middleware.request_id import HEADER


def parse_origins(value: str) -> List[str]:
    origins = [o.strip().rstrip("/") for o in (value or "").split(",") if o.strip()]
    if "*" in origins:
        raise ValueError("CORS_ORIGINS 不允许使用 *，请逐个列出允许的来源")
    return origins


REFUSED = {"origin": "来源", "method": "请求方法", "headers": "请求头"}


class ChineseCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight explained in Chinese (JSON, like every other error)."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        refused = [label for key, label in REFUSED.items() if key in response.body.decode("utf-8", "replace")]
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
        return JSONResponse(
            {"detail": f"跨域请求被拒绝：不允许的{'、'.join(refused) or '请求'}"}, status_code=400, headers=headers
        )


def install_cors(app: FastAPI, origins_setting: str) -> None:
    origins = parse_origins(origins_setting)
    if origins:
        app.add_middleware(
            ChineseCORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Authorization", HEADER],
            expose_headers=[HEADER],
            allow_credentials=False,
            max_age=600,
        )
