"""A session that survives blocked third-party cookies: a signed launch token in URLs.

The launch redirects to its landing page with ``?lt=<token>``. When the session cookie does not
come back, the token (header ``X-Launch-Token`` or query ``lt``) recreates that launch's Acting
for the request: same user, role, context and resource link, nothing more.

A token is only as good as its launch's record in the shared cache (``launch-token:<launch
id>``): logging out, or the session ending because the platform, deployment or membership was
deactivated, deletes the record and every token of that launch is refused, in every browser.
A token expires after ``LAUNCH_TOKEN_MAX_AGE`` seconds without use; each request it
authenticates gets a fresh one (links, the meta tag and the ``X-Launch-Token`` answer header
carry it), and none outlives ``LAUNCH_TOKEN_MAX_LIFETIME`` seconds after the launch.

Links built with ``url_for`` keep the token while the request was authenticated by it, except
absolute URLs and the URLs given to platforms. The CSRF secret is derived from the launch (not
the token) so that forms validate without the cookie, across renewals.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import asdict
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_login import login_user
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from ..auth.models import User
from ..auth.services import SESSION_KEY, Acting, set_acting
from ..auth.views.login import add_logout_hook
from ..core.clock import clock_of
from ..extensions import cache, db

log = logging.getLogger(__name__)

SALT = "catalyst-launch-token"
PARAM = "lt"
HEADER = "X-Launch-Token"
CSRF_FIELD = "csrf_token"
RECORD = "launch-token:"
# Endpoints whose URLs are handed to platforms (or to anyone): they never carry a token.
PLATFORM_ENDPOINTS = frozenset(
    {"lti.login", "lti.launch", "lti.launch_storage", "lti.jwks", "lti.config_json",
     "lti.register", "lti11.launch", "static"}
)  # fmt: skip
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


class _ClockSigner(TimestampSigner):
    """Timestamps from the app's clock (tests move it instead of sleeping)."""

    def get_timestamp(self) -> int:
        """Seconds since the epoch on the app's clock."""
        return _now()


def _now() -> int:
    return int(clock_of().now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT, signer=_ClockSigner)


def _lifetime() -> int:
    return int(current_app.config["LAUNCH_TOKEN_MAX_LIFETIME"])


def issue(acting: Acting) -> str:
    """A signed, timestamped token carrying one launch's Acting (valid while its launch is)."""
    data = asdict(acting)
    return _serializer().dumps({short: data[name] for short, name in _FIELDS.items()})


def open_launch(acting: Acting) -> str | None:
    """Record a new launch in the shared cache and return its first token (None: no launch id)."""
    if not acting.launch_id:
        return None
    record = {"u": acting.user_id, "t": _now()}
    cache.set(RECORD + acting.launch_id, record, timeout=_lifetime() + 60)
    return issue(acting)


def revoke(launch_id: str | None) -> None:
    """Refuse every token of this launch from now on, in every browser."""
    if launch_id:
        cache.delete(RECORD + launch_id)
    g.pop("launch_token", None)


def _launch_holds(acting: Acting) -> bool:
    record = cache.get(RECORD + acting.launch_id) if acting.launch_id else None
    if not isinstance(record, dict) or record.get("u") != acting.user_id:
        return False  # revoked (logout, deactivation) or never recorded
    return _now() - int(record.get("t") or 0) <= _lifetime()


def read(token: str) -> Acting | None:
    """The Acting of a signed, recent token whose launch is neither revoked nor too old."""
    max_age = int(current_app.config["LAUNCH_TOKEN_MAX_AGE"])
    try:
        data: Any = _serializer().loads(token, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not data.get("r"):
        return None
    acting = Acting(**{name: data.get(short) for short, name in _FIELDS.items()})
    return acting if _launch_holds(acting) else None


def csrf_secret(acting: Acting) -> str:
    """The per-launch CSRF secret used in place of the cookie session's random one."""
    key = current_app.config["SECRET_KEY"].encode()
    msg = f"csrf:{acting.user_id}:{acting.launch_id}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def current_token() -> str | None:
    """The renewed token of this request, while its session still holds."""
    token = g.get("launch_token")
    return token if token and session.get(SESSION_KEY) else None


def authenticate_from_token() -> None:
    """Before every request: without a session, let a valid launch token stand in for it."""
    if request.endpoint == "static":
        return
    g.launch_at_start = (session.get(SESSION_KEY) or {}).get("launch_id")
    # The header first: scripts send the freshest token there, a URL may hold an older one.
    token = request.headers.get(HEADER) or request.args.get(PARAM)
    if not token:
        return
    if session.get(SESSION_KEY):
        return  # the cookie came back: it wins, the token is not needed
    acting = read(token)
    if acting is None:
        log.info("launch token refused (expired, revoked or invalid)")
        return
    user = db.session.get(User, acting.user_id)
    if user is None:
        return
    login_user(user)
    set_acting(acting)
    session[CSRF_FIELD] = csrf_secret(acting)
    if acting.locale and "lang" not in session:
        session["lang"] = acting.locale[:2]
    g.launch_at_start = acting.launch_id
    g.launch_token = issue(acting)  # sliding renewal: the links of this answer use a fresh one


def _end_with_session(response):
    """After every request: a session that ended (logout, policy) takes its launch's tokens."""
    launch_id = g.pop("launch_at_start", None)
    if launch_id and not session.get(SESSION_KEY):
        revoke(launch_id)
    token = current_token()
    if token:
        response.headers[HEADER] = token
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def _revoke_at_logout(acting: Acting) -> None:
    revoke(acting.launch_id)


def _keep_token(endpoint: str, values: dict[str, Any]) -> None:
    token = current_token()
    if token and endpoint not in PLATFORM_ENDPOINTS and not endpoint.startswith("sandbox."):
        values.setdefault(PARAM, token)


def _internal_only(build):
    """Wrap app.url_for: an absolute URL may leave the tool, so it never carries a token."""

    @wraps(build)
    def url_for(endpoint: str, *, _external: bool | None = None, _scheme=None, **values: Any):
        if _external or _scheme is not None:
            values[PARAM] = None  # url_defaults keep it; the URL builder drops None values
        return build(endpoint, _external=_external, _scheme=_scheme, **values)

    return url_for


def _template_token() -> dict[str, Any]:
    max_age = int(current_app.config["LAUNCH_TOKEN_MAX_AGE"])
    return {"launch_token": current_token(), "launch_token_renew": max(30, max_age // 3)}


def init_app(app: Flask) -> None:
    """Install the hooks app-wide; token authentication runs before CSRF protection."""
    app.before_request_funcs.setdefault(None, []).insert(0, authenticate_from_token)
    app.after_request(_end_with_session)
    app.url_default_functions.setdefault(None, []).append(_keep_token)
    app.url_for = _internal_only(app.url_for)  # type: ignore[method-assign]
    app.jinja_env.globals["url_for"] = app.url_for
    app.template_context_processors[None].append(_template_token)
    add_logout_hook(app, _revoke_at_logout)
