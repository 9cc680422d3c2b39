"""Structured logs: a request id on every line (X-Request-ID), JSON output, secrets redacted."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
REDACTED = "[redacted]"

# Values of these names (key=value, "key": "value", key: value) never reach a log line.
_SECRET_NAMES = "|".join(
    ("id_token", "client_assertion", "access_token", "refresh_token", "jwt", "secret",
     "password", "passwd", "authorization", "api_key", "csrf_token", "session",
     "launch_token", "launch-token")
)  # fmt: skip
_PAIR = re.compile(
    rf"""(?ix)
    (?P<key>["']?\b[\w-]*(?:{_SECRET_NAMES})[\w-]*["']?)   # a secret-looking name
    (?P<sep>\s*[:=]\s*)                                   # = or :
    (?P<value>"[^"]*"|'[^']*'|(?:bearer|basic)\s+\S+|[^\s,&;}}\]]+)
    """
)
_JWT = re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*")
# itsdangerous tokens (launch tokens, session cookies): [.]payload.timestamp.signature
_SIGNED = re.compile(r"(?<![\w-])\.?[\w-]{8,}\.[\w-]{4,8}\.[\w-]{27,}")
# The launch token's query parameter, plain or percent-encoded (a `next` URL inside a URL).
_LT_PARAM = re.compile(r"(?i)(?:(?<![\w%-])|(?<=%3f)|(?<=%26))(lt(?:=|%3d))[^\s&#\"',;%]+")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[\w.~+/=-]{8,}")


def redact(text: str) -> str:
    """Mask JWTs, signed tokens, bearer credentials and secret-named values (lt= too)."""
    text = _JWT.sub(REDACTED, text)
    text = _SIGNED.sub(REDACTED, text)
    text = _LT_PARAM.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    return _PAIR.sub(lambda m: f"{m.group('key')}{m.group('sep')}{REDACTED}", text)


def current_request_id() -> str:
    """The id of the request being served, or '-' outside a request."""
    if has_request_context():
        return getattr(g, "request_id", None) or "-"
    return "-"


class RequestContextFilter(logging.Filter):
    """Adds request_id (and method/path in a request) to records and redacts their message."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Enrich and clean the record; never drops it."""
        record.request_id = current_request_id()
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the line
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (+ exception)."""

    def format(self, record: logging.LogRecord) -> str:
        """Serialise the record."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if has_request_context():
            entry["method"], entry["path"] = request.method, request.path
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def configure(level: str = "INFO", fmt: str = "text", stream=None) -> logging.Handler:
    """Install one root handler (JSON or text) with the request-id and redaction filter."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_catalyst", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler._catalyst = True  # type: ignore[attr-defined]
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    # basicConfig's plain handler (if any) would print unredacted lines: ours replaces it.
    for old in [h for h in root.handlers if type(h) is logging.StreamHandler]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def init_app(app: Flask) -> None:
    """Configure logging from LOG_LEVEL / LOG_FORMAT and give every request an id."""
    if not app.testing:
        configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])

    @app.before_request
    def _request_id() -> None:
        given = request.headers.get(HEADER, "")
        g.request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers[HEADER] = current_request_id()
        return response
