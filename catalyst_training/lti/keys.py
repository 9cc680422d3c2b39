"""Tool RSA key pairs: creation, rotation and the public JWKS."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import g, has_request_context
from jwcrypto.jwk import JWK
from sqlalchemy import select

from ..core.models import utcnow
from ..extensions import db
from .models import ToolKey

KEY_BITS = 2048


def _new_key_pair() -> tuple[str, dict[str, Any], str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    jwk = JWK.from_pem(pem.encode())
    kid = jwk.thumbprint()
    public = json.loads(jwk.export_public())
    public.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return pem, public, kid


def create_key() -> ToolKey:
    """Add a new signing key; previous keys stop signing but stay published."""
    for key in db.session.scalars(select(ToolKey).where(ToolKey.signing.is_(True))):
        key.signing = False
        key.retired_at = utcnow()
    pem, public, kid = _new_key_pair()
    key = ToolKey(kid=kid, private_pem=pem, public_jwk=public, signing=True, published=True)
    db.session.add(key)
    db.session.flush()
    return key


def ensure_key() -> ToolKey:
    """Return the signing key, creating the first one when there is none."""
    if has_request_context() and "catalyst_signing_key" in g:
        return g.catalyst_signing_key
    key = signing_key() or create_key()
    if has_request_context():
        g.catalyst_signing_key = key
    return key


def signing_key() -> ToolKey | None:
    """The key that signs the tool's messages."""
    return db.session.scalars(
        select(ToolKey).where(ToolKey.signing.is_(True)).order_by(ToolKey.id.desc())
    ).first()


def public_jwks() -> dict[str, list[dict[str, Any]]]:
    """Every published public key, newest first."""
    keys = db.session.scalars(
        select(ToolKey).where(ToolKey.published.is_(True)).order_by(ToolKey.id.desc())
    )
    return {"keys": [dict(k.public_jwk) for k in keys]}


def remove_retired_keys(keep: int = 1) -> int:
    """Unpublish retired keys except the `keep` newest; returns how many were removed."""
    retired = list(
        db.session.scalars(
            select(ToolKey)
            .where(ToolKey.signing.is_(False), ToolKey.published.is_(True))
            .order_by(ToolKey.id.desc())
        )
    )
    removed = retired[keep:]
    for key in removed:
        key.published = False
    return len(removed)
