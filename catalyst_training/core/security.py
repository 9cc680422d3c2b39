"""Security headers: CSP whose frame-ancestors lists the registered platforms' origins."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Flask, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

_TTL = 60.0


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def platform_origins() -> list[str]:
    """Origins of active platforms (issuer and login URL), cached for a minute."""
    state = current_app.extensions.setdefault("catalyst_origins", {"at": 0.0, "origins": []})
    if time.monotonic() - state["at"] < _TTL:
        return state["origins"]
    try:
        # The platforms table belongs to the lti domain; read by name to keep layers one-way.
        rows = db.session.execute(
            text("SELECT issuer, auth_login_url FROM platforms WHERE active")
        ).all()
    except SQLAlchemyError:
        db.session.rollback()
        rows = []
    origins = sorted({o for row in rows for o in map(_origin, row) if o})
    state.update(at=time.monotonic(), origins=origins)
    return origins


def content_security_policy(*extra_ancestors: str) -> str:
    """The tool's CSP; `extra_ancestors` may frame this one response (a platform registering)."""
    ancestors = [
        "'self'",
        *platform_origins(),
        *current_app.config.get("EXTRA_FRAME_ANCESTORS", []),
        *extra_ancestors,
    ]
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
        "object-src 'none'; base-uri 'none'; "
        f"frame-ancestors {' '.join(ancestors)}"
    )


def invalidate_origins() -> None:
    """Forget cached origins (after a registry change)."""
    current_app.extensions.pop("catalyst_origins", None)


def init_app(app: Flask) -> None:
    """Add the headers to every response."""

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response
