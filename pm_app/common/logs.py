"""Logging, configured in one place: every line has its time (with the zone), level, logger and
the id of the request it belongs to; human-readable text in development, one JSON object a line
in production (PM_APP_LOG_FORMAT=json), which a city's log collector reads without parsing rules.

The request id is the proxy's `X-Request-ID` when it sends a sane one (nginx's `$request_id`,
deploy/nginx), a new one otherwise; it is returned on the answer and kept on every audit event
of the request (audit.context), so one id finds nginx's line, the app's lines and the trail.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
HEADER = "X-Request-ID"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def request_id() -> str | None:
    """This request's id (made once per request); None outside a request."""
    if not has_request_context():
        return None
    found = g.get("_request_id")
    if found is None:
        offered = request.headers.get(HEADER, "")
        found = g._request_id = offered if REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
    return found


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name in ("job_id", "job", "outcome", "seconds"):
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def handler_for(fmt: str, stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        text = logging.Formatter(TEXT_FORMAT)
        text.default_time_format, text.default_msec_format = "%Y-%m-%dT%H:%M:%S%z", None
        handler.setFormatter(text)
    handler.pm_app = True  # ours: replaced, not doubled, when another app is made in this process
    return handler


def configure(fmt: str = "text", level: str = "INFO", stream=None) -> None:
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "pm_app", False)]:
        root.removeHandler(old)
    root.addHandler(handler_for(fmt, stream))
    root.setLevel(level.upper())


def init_app(app: Flask) -> None:
    if not app.testing:  # the test runner captures logs its own way
        configure(app.config.get("LOG_FORMAT", "text"), app.config.get("LOG_LEVEL", "INFO"))

    @app.after_request
    def _return_request_id(response):
        response.headers.setdefault(HEADER, request_id())
        return response
