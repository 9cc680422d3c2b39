"""Signing (VC-JWT), finding and checking Open Badges (flush only); `awards` decides when.

A badge is signed once, with the tool's current RSA key: RS256, compact JWS, header `kid` = the
URL serving that public key. Its status is its certificate's when linked to one, else its own.
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
from .models import MODULE, VALID, Badge, Certificate

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
    """The badge linked to a certificate, if any."""
    return db.session.scalar(select(Badge).where(Badge.certificate_id == certificate_id))


def standing(active_key: str) -> Badge | None:
    """The badge holding an achievement's key (it may no longer stand: see `Badge.stands`)."""
    return db.session.scalar(select(Badge).where(Badge.active_key == active_key))


def badges_of(user_id: int) -> list[Badge]:
    """A learner's badges still holding their JWT: the programme's first, then by module."""
    rows = db.session.scalars(
        select(Badge)
        .where(Badge.user_id == user_id, Badge.jwt.is_not(None))
        .order_by(Badge.kind.desc(), Badge.module_slug, Badge.issued_at.desc(), Badge.id.desc())
    )
    return list(rows)


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


def issue(
    user: User, kind: str, facts: dict[str, Any], context_id: int | None, active_key: str,
    now: datetime, cert: Certificate | None = None,
) -> Badge | None:  # fmt: skip
    """Sign and record a badge (None outside a request without BASE_URL: it is signed later).

    `facts` are what the credential states (the certificate's when linked, else a snapshot);
    `active_key` the achievement's key, which the database keeps unique among standing badges.
    """
    base = base_url()
    if base is None:
        return None
    key = keys.ensure_key()
    days = int(current_app.config.get("BADGE_VALID_DAYS") or 0)
    now = aware(now).replace(microsecond=0)
    until = now + timedelta(days=days) if days > 0 else None
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    sub = user.sub or f"user:{user.id}"
    code = cert.code if cert is not None else None
    body = openbadge.credential(kind, facts, code, sub, credential_id, now, until, base)
    modules = facts.get("modules") or [{}]
    badge = Badge(
        credential_id=credential_id,
        user_id=user.id,
        context_id=context_id,
        kind=kind,
        module_slug=modules[0].get("slug") if kind == MODULE else None,
        certificate=cert,
        active_key=active_key,
        jwt=sign(body, key, base),
        kid=key.kid,
        issued_at=now,
        valid_until=until,
    )
    try:
        with db.session.begin_nested():
            db.session.add(badge)
    except IntegrityError:  # a concurrent request signed this achievement's badge first
        if badge in db.session:
            db.session.expunge(badge)
        return standing(active_key) or (badge_of_certificate(cert.id) if cert else None)
    return badge


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
    """Verify a compact VC-JWT: signature by kid, validity dates, then the badge's status."""
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
    """The 1EdTech revocation list: ids of badges revoked or superseded (or their certificate).

    No reasons: a coordinator's reason is shown to whoever holds the code, not to everyone.
    """
    rows = db.session.scalars(
        select(Badge.credential_id)
        .outerjoin(Certificate, Certificate.id == Badge.certificate_id)
        .where(
            or_(
                Certificate.revoked_at.is_not(None),
                Certificate.superseded_at.is_not(None),
                Badge.certificate_id.is_(None)
                & or_(Badge.revoked_at.is_not(None), Badge.superseded_at.is_not(None)),
            )
        )
        .order_by(Badge.id)
    )
    return {
        "id": f"{base}/credentials/revocations.json",
        "type": openbadge.REVOCATION_LIST,
        "issuer": openbadge.issuer_profile(base)["id"],
        "revokedCredentials": [{"id": cid, "revoked": True} for cid in rows],
    }
