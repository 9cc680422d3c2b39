"""Rate limits on login endpoints (Flask-Limiter; Redis storage when configured, else memory).

Apply to any other login view with the exported decorator::

    from ..core.limiter import login_limit

    @bp.post("/login")
    @login_limit
    def password_login(): ...

`account_limit` adds a limit per submitted account (whatever the address) and `register_limit`
one per address on dynamic registration. With Redis every node shares the counters.
"""

from __future__ import annotations

import hashlib
import hmac
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

# Which 429 sentence a limit shows (its error_message); the default speaks of launches.
ACCOUNT, REGISTER, VERIFY = "account", "register", "verify"

# Endpoints limited per IP by LOGIN_RATE_LIMIT, wherever they are defined.


def login_rate() -> str:
    """The configured per-IP limit of login endpoints, e.g. '60/minute'."""
    return str(current_app.config.get("LOGIN_RATE_LIMIT") or "60/minute")


def login_limit(view: F) -> F:
    """Decorator: limit a login view per client IP by LOGIN_RATE_LIMIT."""
    return limiter.limit(login_rate, key_func=get_remote_address)(view)


def account_key() -> str:
    """The counter of the account a login form names: a keyed hash of the normalised email.

    Every email has one, known or not, so the limit says nothing about which accounts exist;
    the email itself never reaches the counters' store.
    """
    email = (request.form.get("email") or "").strip().lower()
    secret = str(current_app.config.get("SECRET_KEY") or "").encode()
    return "account:" + hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()[:32]


def _failed_login(response) -> bool:
    return response.status_code == 401


def account_limit(view: F) -> F:
    """Decorator: limit failed logins per submitted account, from any IP (LOGIN_ACCOUNT_RATE_LIMIT).

    Only refused attempts count; once the limit is reached every attempt on that account is
    answered 429 until the window ends, the right password included.
    """
    return limiter.limit(
        lambda: str(current_app.config.get("LOGIN_ACCOUNT_RATE_LIMIT") or "10/15 minutes"),
        key_func=account_key,
        methods=["POST"],
        deduct_when=_failed_login,
        error_message=ACCOUNT,
    )(view)


def register_limit(view: F) -> F:
    """Decorator: limit dynamic registrations per client IP by REGISTER_RATE_LIMIT."""
    return limiter.limit(
        lambda: str(current_app.config.get("REGISTER_RATE_LIMIT") or "10/hour"),
        key_func=get_remote_address,
        error_message=REGISTER,
    )(view)


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
    kind = getattr(limit, "error_message", None) if limit is not None else None
    if kind == ACCOUNT:
        message = _(
            "Trop de tentatives de connexion. Patientez %(n)s secondes puis réessayez.", n=wait
        )
    elif kind == REGISTER:
        message = _(
            "Trop de demandes d'enregistrement depuis votre adresse. "
            "Patientez %(n)s secondes puis réessayez.",
            n=wait,
        )
    elif kind == VERIFY:
        message = _(
            "Trop de vérifications depuis votre adresse. Patientez %(n)s secondes puis réessayez.",
            n=wait,
        )
    else:
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
