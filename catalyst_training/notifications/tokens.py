"""Signed links that need no login: unsubscribe (per person and audience), confirm an address."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

UNSUBSCRIBE_SALT = "catalyst-notifications-unsubscribe"
CONFIRM_SALT = "catalyst-notifications-confirm-address"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def _key() -> str:
    return str(current_app.config["SECRET_KEY"])


def unsubscribe_token(user_id: int, audience: str) -> str:
    """A token naming the person and the audience (valid as long as the secret key)."""
    return URLSafeSerializer(_key(), salt=UNSUBSCRIBE_SALT).dumps({"u": user_id, "a": audience})


def read_unsubscribe(token: str) -> tuple[int, str] | None:
    """(user id, audience) of a valid unsubscribe token, else None."""
    try:
        data: Any = URLSafeSerializer(_key(), salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    return data["u"], str(data.get("a"))


def confirm_token(address_id: int, email: str) -> str:
    """A token confirming one address of one row (a changed address needs a new link)."""
    return URLSafeTimedSerializer(_key(), salt=CONFIRM_SALT).dumps({"i": address_id, "e": email})


def read_confirm(token: str, now: float | None = None) -> tuple[int, str] | None:
    """(address id, email) of a valid, unexpired confirmation token, else None."""
    serializer = URLSafeTimedSerializer(_key(), salt=CONFIRM_SALT)
    try:
        data: Any = serializer.loads(token, max_age=CONFIRM_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None
    return data["i"], str(data.get("e"))
