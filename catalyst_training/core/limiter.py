"""Rate limits on login endpoints (Flask-Limiter; Redis storage when configured, else memory).

Apply to any other login view with the exported decorator::

    from ..core.limiter import login_limit

    @bp.post("/login")
    @login_limit
    def password_login(): ...
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable)

# The remote address is the client's once ProxyFix (CATALYST_TRUSTED_PROXIES) has run.
limiter = Limiter(key_func=get_remote_address, strategy="fixed-window")

# Endpoints limited per IP by LOGIN_RATE_LIMIT, wherever they are defined.


def login_rate() -> str:
    """The configured per-IP limit of login endpoints, e.g. '60/minute'."""
    return str(current_app.config.get("LOGIN_RATE_LIMIT") or "60/minute")


def login_limit(view: F) -> F:
    """Decorator: limit a login view per client IP by LOGIN_RATE_LIMIT."""
    return limiter.limit(login_rate, key_func=get_remote_address)(view)


def _storage_config(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_ENABLED", True)
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    if redis_url:
        # Redis down: count in this process's memory instead of failing the request.
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)  # our 429 sets Retry-After
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "catalyst-rl")


def too_many_requests(exc):
    """The 429 page: what happened and when to try again."""
    from .errors import render_error

    retry = None
    limit = getattr(exc, "limit", None)
    if limit is not None:
        retry = limit.limit.get_expiry()
    log.warning("rate limit exceeded on %s from %s", request.path, request.remote_addr)
    wait = retry or 60
    message = _(
        "Trop de tentatives de connexion depuis votre adresse. "
        "Patientez %(n)s secondes puis relancez l'activité depuis votre cours.",
        n=wait,
    )
    response = current_app.make_response(render_error(429, message, reason="rate_limited"))
    response.headers.setdefault("Retry-After", str(wait))
    return response


def init_app(app: Flask) -> None:
    """Bind the limiter (login views carry `login_limit` themselves) and its 429 page."""
    _storage_config(app)
    limiter.init_app(app)
    app.register_error_handler(429, too_many_requests)
