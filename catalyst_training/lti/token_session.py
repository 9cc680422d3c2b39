"""A session that survives blocked third-party cookies: a signed launch token in URLs.

The launch redirects to its landing page with ``?lt=<token>``. When the session cookie does not
come back, the token (query ``lt`` or header ``X-Launch-Token``) recreates that launch's Acting
for the request: same user, role, context and resource link, nothing more. Links built with
``url_for`` keep the token while the request was authenticated by it, and the CSRF secret is
derived from the launch so that forms validate without the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_login import login_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..auth.models import User
from ..auth.services import SESSION_KEY, Acting, set_acting
from ..extensions import db

SALT = "catalyst-launch-token"
PARAM = "lt"
HEADER = "X-Launch-Token"
CSRF_FIELD = "csrf_token"
_FIELDS = {
    "u": "user_id",
    "r": "role",
    "p": "platform_id",
    "c": "context_pk",
    "k": "resource_link_pk",
    "l": "launch_id",
    "lc": "locale",
    "d": "deployment_pk",
}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue(acting: Acting) -> str:
    """A signed, timestamped token carrying one launch's Acting."""
    data = asdict(acting)
    return _serializer().dumps({short: data[name] for short, name in _FIELDS.items()})


def read(token: str) -> Acting | None:
    """The Acting of a valid, unexpired token, else None."""
    max_age = int(current_app.config["LAUNCH_TOKEN_MAX_AGE"])
    try:
        data: Any = _serializer().loads(token, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not data.get("r"):
        return None
    return Acting(**{name: data.get(short) for short, name in _FIELDS.items()})


def csrf_secret(acting: Acting) -> str:
    """The per-launch CSRF secret used in place of the cookie session's random one."""
    key = current_app.config["SECRET_KEY"].encode()
    msg = f"csrf:{acting.user_id}:{acting.launch_id}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def authenticate_from_token() -> None:
    """Before every request: without a session, let a valid launch token stand in for it."""
    token = request.args.get(PARAM) or request.headers.get(HEADER)
    if not token or request.endpoint == "static":
        return
    if session.get(SESSION_KEY):
        return  # the cookie came back: it wins, the token is not needed
    acting = read(token)
    if acting is None:
        return
    user = db.session.get(User, acting.user_id)
    if user is None:
        return
    login_user(user)
    set_acting(acting)
    session[CSRF_FIELD] = csrf_secret(acting)
    if acting.locale and "lang" not in session:
        session["lang"] = acting.locale[:2]
    g.launch_token = token


def _keep_token(endpoint: str, values: dict[str, Any]) -> None:
    token = g.get("launch_token")
    if token and endpoint != "static" and not endpoint.startswith("sandbox."):
        values.setdefault(PARAM, token)


def _template_token() -> dict[str, Any]:
    return {"launch_token": g.get("launch_token")}


def init_app(app: Flask) -> None:
    """Install the hooks app-wide; token authentication runs before CSRF protection."""
    app.before_request_funcs.setdefault(None, []).insert(0, authenticate_from_token)
    app.url_default_functions.setdefault(None, []).append(_keep_token)
    app.template_context_processors[None].append(_template_token)
