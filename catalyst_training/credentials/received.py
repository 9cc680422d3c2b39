"""Checking a badge a third party received (a baked PNG or the compact JWT), without its id.

Only our own keys count: the JWT header's `kid` must be one of our key URLs, so a token signed
by anyone else is "not issued by this tool" even when its kid ends like one of ours.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime

import jwt

from . import badges, baking

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 2 * 1024 * 1024
# Why what was given is not even a token to check (the outcomes of `badges.check` follow).
EMPTY, NOT_PNG, NO_CREDENTIAL, NOT_JWT = "empty", "not_png", "no_credential", "not_jwt"
_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


class Unreadable(ValueError):
    """What was submitted holds no token; `reason` is one of the constants above."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def token_of(text: str | None, data: bytes | None) -> str:
    """The compact JWT in an uploaded PNG (preferred when given) or in pasted text."""
    if data:
        if not data.startswith(PNG_MAGIC):
            raise Unreadable(NOT_PNG)
        token = baking.unbake(data)
        if token is None:
            raise Unreadable(NO_CREDENTIAL)
        return _compact(token)
    if not (text or "").strip():
        raise Unreadable(EMPTY)
    return _compact(text or "")


def _compact(text: str) -> str:
    """The text as a compact JWS whose header is JSON naming an algorithm, else Unreadable."""
    token = "".join(text.split())  # pasted from an e-mail, a token may be wrapped
    if not _JWS.match(token):
        raise Unreadable(NOT_JWT)
    head = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise Unreadable(NOT_JWT) from None
    if not isinstance(header, dict) or "alg" not in header:
        raise Unreadable(NOT_JWT)
    return token


def issued_here(token: str) -> bool:
    """The header's kid is one of our key URLs: under today's base URL, or as our badge was signed.

    The second case keeps badges signed before a change of BASE_URL checkable; the jti read
    unverified only picks which stored badge to compare with, the signature is checked after.
    """
    try:
        kid = str(jwt.get_unverified_header(token).get("kid") or "")
    except jwt.PyJWTError:
        return False
    name = kid.rsplit("/", 1)[-1]
    base = badges.base_url()
    if name and base is not None and kid == badges.key_url(base, name):
        return True
    try:  # a tampered payload may not even decode: then only today's key URLs count
        jti = str(jwt.decode(token, options={"verify_signature": False}).get("jti") or "")
    except (jwt.PyJWTError, AttributeError):
        return False
    stored = badges.by_uuid(jti) if jti else None
    return stored is not None and bool(kid) and badges.kid_url(stored) == kid


def examine(token: str, now: datetime) -> badges.Check:
    """What `badges.check` says of a received token, UNKNOWN_KEY when its kid is not ours."""
    if not issued_here(token):
        return badges.Check(badges.UNKNOWN_KEY)
    return badges.check(token, now)


def summary(found: badges.Check) -> dict:
    """What the result page shows of the verified claims (nothing when the signature failed)."""
    claims = found.claims
    if not claims:
        return {}
    subject = claims.get("credentialSubject") or {}
    identity = (subject.get("identifier") or [{}])[0]
    issuer = claims.get("issuer") or {}
    return {
        "id": claims.get("id") or claims.get("jti"),
        "issuer": issuer.get("name") or issuer.get("id"),
        "achievement": (subject.get("achievement") or {}).get("name"),
        "identity_type": identity.get("identityType"),
        "identity_algorithm": str(identity.get("identityHash") or "").partition("$")[0] or None,
        "hashed": bool(identity.get("hashed")),
        "valid_from": _date(claims.get("validFrom")),
        "valid_until": _date(claims.get("validUntil")),
    }


def _date(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
