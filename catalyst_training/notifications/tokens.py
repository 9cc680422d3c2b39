"""Signed links that need no login: unsubscribe (per person and audience), confirm an address."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, Signer, URLSafeTimedSerializer

UNSUBSCRIBE_SALT = "catalyst-notifications-unsubscribe"
CONFIRM_SALT = "catalyst-notifications-confirm-address"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def _key() -> str:
    return str(current_app.config["SECRET_KEY"])


def unsubscribe_token(user_id: int, audience: str) -> str:
    """A token naming the person and the audience (valid as long as the secret key).

    A signed "<id>.<audience>" (URL-safe as it is): one per message, and the serializer's
    JSON + zlib round would cost more than the rest of the message's headers.
    """
    return Signer(_key(), salt=UNSUBSCRIBE_SALT).sign(f"{user_id}.{audience}").decode()


def read_unsubscribe(token: str) -> tuple[int, str] | None:
    """(user id, audience) of a valid unsubscribe token, else None."""
    try:
        value = Signer(_key(), salt=UNSUBSCRIBE_SALT).unsign(token).decode()
    except (BadSignature, UnicodeError):
        return None
    user_id, _dot, audience = value.partition(".")
    if not user_id.isdigit() or len(user_id) > 18:
        return None
    return int(user_id), audience


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
