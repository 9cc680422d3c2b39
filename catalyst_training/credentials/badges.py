"""Issuing, signing (VC-JWT) and checking the Open Badge of a certificate (flush only).

A badge is signed once, when its certificate is issued (or, for a certificate issued before
badges existed, on its first download or verification), with the tool's current RSA key: RS256,
compact JWS, header `kid` = the URL serving that public key. Its status is its certificate's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from flask import current_app, has_request_context, request
from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..core.models import aware
from ..extensions import db
from ..lti import keys
from ..lti.models import ToolKey
from . import openbadge
from .models import VALID, Badge, Certificate

ALGORITHM = "RS256"
KEY_PATH = "/credentials/keys/"
# What a check of a token can say besides valid/revoked/superseded.
BAD_SIGNATURE, UNKNOWN_KEY, EXPIRED, NOT_YET_VALID, UNKNOWN = (
    "bad_signature", "unknown_key", "expired", "not_yet_valid", "unknown",
)  # fmt: skip


def base_url() -> str | None:
    """The public base URL credentials name (BASE_URL, else this request's host; else None)."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return None


def key_url(base: str, kid: str) -> str:
    """Where the public JWK of `kid` is served (the JWT header's `kid`)."""
    return f"{base}{KEY_PATH}{kid}"


def kid_url(badge: Badge) -> str | None:
    """The key URL the badge's JWT names (as signed: the base URL may have changed since)."""
    if not badge.jwt:
        return None
    return str(jwt.get_unverified_header(badge.jwt).get("kid") or "") or None


def badge_of_certificate(certificate_id: int) -> Badge | None:
    """The badge recorded for a certificate, if any."""
    return db.session.scalar(select(Badge).where(Badge.certificate_id == certificate_id))


def by_uuid(value: str) -> Badge | None:
    """The badge of a credential id (urn:uuid:… or the bare UUID), None when unknown/malformed."""
    try:
        parsed = uuid.UUID(value.removeprefix("urn:uuid:"))
    except (ValueError, AttributeError):
        return None
    return db.session.scalar(select(Badge).where(Badge.credential_id == f"urn:uuid:{parsed}"))


@lru_cache(maxsize=8)
def _private_key(kid: str, pem: str):
    # Loading a PEM checks the RSA key (about 50 ms); signing with the loaded key takes 0.5 ms.
    return serialization.load_pem_private_key(pem.encode(), password=None)


def sign(body: dict[str, Any], key: ToolKey, base: str) -> str:
    """The compact VC-JWT: the credential itself as payload, with the registered claims."""
    claims = {
        **body,
        "iss": body["issuer"]["id"],
        "jti": body["id"],
        "nbf": int(datetime.fromisoformat(body["validFrom"]).timestamp()),
    }
    if body.get("validUntil"):
        claims["exp"] = int(datetime.fromisoformat(body["validUntil"]).timestamp())
    headers = {"kid": key_url(base, key.kid), "typ": "JWT"}
    private = _private_key(key.kid, key.private_pem)
    return jwt.encode(claims, private, algorithm=ALGORITHM, headers=headers)


def issue(cert: Certificate, now: datetime) -> Badge | None:
    """Sign and record the badge of a valid certificate (None when it cannot have one now)."""
    if cert.user_id is None or cert.status != VALID:
        return None
    base = base_url()
    user = db.session.get(User, cert.user_id)
    if base is None or user is None:
        return None  # outside a request without BASE_URL: signed lazily, on first use
    key = keys.ensure_key()
    days = int(current_app.config.get("BADGE_VALID_DAYS") or 0)
    now = aware(now).replace(microsecond=0)
    until = now + timedelta(days=days) if days > 0 else None
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    sub = user.sub or f"user:{user.id}"
    body = openbadge.credential(cert, sub, credential_id, now, until, base)
    badge = Badge(
        credential_id=credential_id,
        certificate_id=cert.id,
        jwt=sign(body, key, base),
        kid=key.kid,
        issued_at=now,
        valid_until=until,
    )
    try:
        with db.session.begin_nested():
            db.session.add(badge)
    except IntegrityError:  # a concurrent first download signed it first
        return badge_of_certificate(cert.id)
    return badge


def ensure(cert: Certificate, now: datetime) -> Badge | None:
    """The certificate's badge, signed now if it was issued before badges existed."""
    return badge_of_certificate(cert.id) or issue(cert, now)


def credential_of(badge: Badge) -> dict[str, Any]:
    """The credential as signed (the JWT's payload without its registered claims)."""
    claims = jwt.decode(badge.jwt, options={"verify_signature": False})
    return {k: v for k, v in claims.items() if k not in ("iss", "jti", "nbf", "exp", "sub")}


def public_key(kid: str) -> dict[str, Any] | None:
    """The public JWK of a tool key still published, or that signed a badge (kept for it)."""
    signed = exists().where(Badge.kid == ToolKey.kid)
    key = db.session.scalar(
        select(ToolKey).where(ToolKey.kid == kid, or_(ToolKey.published.is_(True), signed))
    )
    return dict(key.public_jwk) if key is not None else None


@dataclass
class Check:
    """What verifying a token found: `outcome` is valid, revoked, superseded or a failure."""

    outcome: str
    badge: Badge | None = None
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def signature_ok(self) -> bool:
        """The signature was checked against our published key and holds."""
        return self.outcome not in (BAD_SIGNATURE, UNKNOWN_KEY)


def check(token: str, now: datetime) -> Check:
    """Verify a compact VC-JWT: signature by kid, validity dates, then its certificate's status."""
    try:
        header = jwt.get_unverified_header(token)
        kid = str(header.get("kid") or "").rsplit("/", 1)[-1]
    except jwt.PyJWTError:
        return Check(BAD_SIGNATURE)
    jwk = public_key(kid) if kid else None
    if jwk is None:
        return Check(UNKNOWN_KEY)
    try:
        claims = jwt.decode(
            token,
            jwt.PyJWK(jwk).key,
            algorithms=[ALGORITHM],
            # Dates are checked below against the app's clock, not the machine's.
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except (jwt.PyJWTError, ValueError):
        return Check(BAD_SIGNATURE)
    badge = by_uuid(str(claims.get("jti") or ""))
    stamp = aware(now).astimezone(UTC).timestamp()
    if badge is None:
        return Check(UNKNOWN, None, claims)
    if badge.status != VALID:
        return Check(badge.status, badge, claims)
    if "exp" in claims and stamp >= float(claims["exp"]):
        return Check(EXPIRED, badge, claims)
    if "nbf" in claims and stamp < float(claims["nbf"]):
        return Check(NOT_YET_VALID, badge, claims)
    return Check(VALID, badge, claims)


def revocation_list(base: str) -> dict[str, Any]:
    """The 1EdTech revocation list: ids of badges whose certificate was revoked or superseded.

    No reasons: a coordinator's reason is shown to whoever holds the code, not to everyone.
    """
    rows = db.session.scalars(
        select(Badge.credential_id)
        .join(Certificate, Certificate.id == Badge.certificate_id)
        .where(or_(Certificate.revoked_at.is_not(None), Certificate.superseded_at.is_not(None)))
        .order_by(Badge.id)
    )
    return {
        "id": f"{base}/credentials/revocations.json",
        "type": openbadge.REVOCATION_LIST,
        "issuer": openbadge.issuer_profile(base)["id"],
        "revokedCredentials": [{"id": cid, "revoked": True} for cid in rows],
    }
