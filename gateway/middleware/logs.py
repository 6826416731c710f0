"""Structured logs: one JSON object per line, with the request id, and ID numbers and phones masked in
every record the gateway's and uvicorn's loggers write."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from typing import Any, Dict

from gateway.middleware.request_id import current_request_id
from privacy import mask_text, mask_value

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# The WeChat push's signed query parameters: a logged signature with its timestamp and nonce would be a
# replayable request; the access log keeps the parameter's name only.
_SIGNED = re.compile(r"(?i)\b(signature|msg_signature|nonce|echostr)=[^&\s\"']*")
HIDDEN = "[已隐去]"


def _clean(value: Any) -> Any:
    value = mask_value(value)
    if isinstance(value, str):
        return _SIGNED.sub(lambda m: f"{m.group(1)}={HIDDEN}", value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_clean(item) for item in value)
    return value


class MaskingFilter(logging.Filter):
    """Masks the message, its arguments and any extra fields in place (keeps %-formatting working)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _clean(record.msg)
        if record.args:
            record.args = _clean(record.args)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            record.fields = _clean(fields)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: Dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _clean(record.getMessage()),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(_clean(fields))
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
