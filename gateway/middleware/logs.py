"""Structured logs: one JSON object per line, with the request id, and ID numbers and phones masked in
every record the gateway's and uvicorn's loggers write."""
from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any, Dict

from gateway.middleware.request_id import current_request_id
from privacy import mask_text, mask_value

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class MaskingFilter(logging.Filter):
    """Masks the message, its arguments and any extra fields in place (keeps %-formatting working)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_text(record.msg)
        if record.args:
            record.args = mask_value(record.args)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            record.fields = mask_value(fields)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: Dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_text(record.getMessage()),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(mask_value(fields))
        if record.exc_info:
            entry["exception"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def install_logging(level: str) -> None:
    """Root logger → one JSON line per record on stderr; uvicorn's own handlers get the masking filter."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_gateway_json", False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler._gateway_json = True  # type: ignore[attr-defined]
        handler.setFormatter(JsonFormatter())
        handler.addFilter(MaskingFilter())
        root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        for own in logging.getLogger(name).handlers:
            if not any(isinstance(f, MaskingFilter) for f in own.filters):
                own.addFilter(MaskingFilter())
