"""LTI platform storage (client-side postMessages): login records, checks and the pages' data.

At every login the tool keeps a short server-side record, keyed by the OIDC state: the nonce it
issued, whether the platform offered postMessage storage (``lti_storage_target``), the platform's
origin and the login parameters (to offer a fresh launch in a new window when nothing works).
"""

from __future__ import annotations

import hmac
import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import current_app
from pylti1p3.contrib.flask import FlaskCacheDataStorage

from ..extensions import cache
from .launch import LaunchError

PREFIX = "lti-login-state:"
LOGIN_PARAMS = (
    "iss",
    "login_hint",
    "lti_message_hint",
    "client_id",
    "lti_deployment_id",
    "target_link_uri",
)
TARGET_PARAM = "lti_storage_target"
SESSION_ID_COOKIE = "lti1p3-session-id"


class SessionlessDataStorage(FlaskCacheDataStorage):
    """pylti1p3 cache storage whose keys do not depend on a session-id cookie.

    Used when that cookie cannot exist (platform storage, blocked cookies): the state record,
    bound to the nonce, replaces what the cookie protected.
    """

    def get_session_cookie_name(self) -> str | None:
        """No session-id cookie."""
        return None


def _key(state: str) -> str:
    return PREFIX + state


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def redirect_params(location: str) -> dict[str, str]:
    """The query parameters of the tool's redirect to the platform's auth endpoint."""
    return dict(parse_qsl(urlsplit(location).query))


def remember_login(location: str, params: dict[str, str], storage_target: str | None) -> dict:
    """Store the record of a login whose redirect is ``location``; return it."""
    query = redirect_params(location)
    record = {
        "nonce": query.get("nonce", ""),
        "created_at": int(time.time()),
        "storage": bool(storage_target),
        "target": storage_target or "",
        "origin": origin_of(location),
        "login": {k: params[k] for k in LOGIN_PARAMS if params.get(k)},
    }
    cache.set(_key(query.get("state", "")), record, timeout=lifetime())
    return record


def lifetime() -> int:
    """Seconds a login record lives (the platform answers within this delay)."""
    return int(current_app.config["LTI_STATE_LIFETIME"])


def peek(state: str | None) -> dict[str, Any] | None:
    """The record of a state, without consuming it."""
    if not state:
        return None
    record = cache.get(_key(state))
    return record if isinstance(record, dict) else None


def consume(state: str) -> bool:
    """Delete a state's record; True for exactly one caller."""
    return bool(cache.delete(_key(state)))


def launch_data_storage(record: dict | None, cookies: dict[str, str]) -> FlaskCacheDataStorage:
    """pylti1p3 storage for a launch: sessionless for platform storage or without the cookie."""
    if (record and record.get("storage")) or SESSION_ID_COOKIE not in cookies:
        return SessionlessDataStorage(cache)
    return FlaskCacheDataStorage(cache)


def check_stored_state(state: str, nonce: str | None, stored_state: str, stored_nonce: str) -> None:
    """Values read back from platform storage must match the login record (consumed once)."""
    record = peek(state)
    if record is None or not record.get("storage"):
        raise LaunchError(401, "state_mismatch", "no platform-storage login for this state")
    expected = record.get("nonce") or ""
    if not hmac.compare_digest(stored_state or "", state):
        raise LaunchError(401, "state_mismatch", "the stored state differs")
    if not (
        nonce
        and hmac.compare_digest(stored_nonce or "", expected)
        and hmac.compare_digest(nonce, expected)
    ):
        raise LaunchError(401, "state_mismatch", "the nonce is not the one issued at login")
    if not consume(state):
        raise LaunchError(401, "replayed", "this login was already used")


def page_data(state: str, record: dict[str, Any]) -> dict[str, str]:
    """What the storage scripts need: target frame, platform origin and the keys."""
    return {
        "target": record.get("target") or "_parent",
        "origin": record.get("origin") or "",
        "state_key": f"state_{state}",
        "nonce_key": f"nonce_{record.get('nonce', '')}",
    }
