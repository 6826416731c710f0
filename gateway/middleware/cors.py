"""CORS for the configured origins only (`CORS_ORIGINS`, comma-separated); none configured → no CORS
headers at all, so browsers refuse cross-site calls. The H5 page is served by the gateway itself."""
from __future__ import annotations

from typing import List

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from gateway.middleware.request_id import HEADER


def parse_origins(value: str) -> List[str]:
    origins = [o.strip().rstrip("/") for o in (value or "").split(",") if o.strip()]
    if "*" in origins:
        raise ValueError("CORS_ORIGINS 不允许使用 *，请逐个列出允许的来源")
    return origins


def install_cors(app: FastAPI, origins_setting: str) -> None:
    origins = parse_origins(origins_setting)
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "Authorization", HEADER], expose_headers=[HEADER],
                           allow_credentials=False, max_age=600)
