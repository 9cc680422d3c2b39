"""LTI 1.1 consumers (encrypted shared secrets) and Basic Outcomes targets per learner x link."""

from __future__ import annotations

import base64
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ...auth.models import ResourceLink
from ...core.models import TimestampMixin
from ...extensions import db

LTI11 = "lti11"  # GradeDelivery.mode of a Basic Outcomes delivery
_HKDF_INFO = b"catalyst-training/lti11-consumer-secret/v1"


class SecretError(ValueError):
    """A consumer secret that cannot be decrypted (the app's SECRET_KEY changed)."""


class Lti11Consumer(TimestampMixin, db.Model):
    """The shared secret of an LTI 1.1 platform (Platform.client_id is its consumer key)."""

    __tablename__ = "lti11_consumers"

    platform_id: Mapped[int] = mapped_column(
        ForeignKey("platforms.id", ondelete="CASCADE"), primary_key=True
    )
    # Fernet token; the key is derived (HKDF-SHA256) from the app's SECRET_KEY.
    secret_encrypted: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<Lti11Consumer platform={self.platform_id} secret=[redacted]>"


class Lti11Outcome(TimestampMixin, db.Model):
    """Where a learner's result for one resource link goes (from the latest 1.1 launch)."""

    __tablename__ = "lti11_outcomes"
    __table_args__ = (UniqueConstraint("user_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    resource_link_id: Mapped[int] = mapped_column(
        ForeignKey("resource_links.id", ondelete="CASCADE"), index=True
    )
    service_url: Mapped[str] = mapped_column(String(2048))
    sourcedid: Mapped[str] = mapped_column(Text)


class Lti11Alias(TimestampMixin, db.Model):
    """An LTI 1.1 id (user, context or resource link) whose record now lives under LTI 1.3.

    Written when a 1.3 launch carries a verified LTI 1.1 migration claim: the 1.1 record is
    re-homed to the 1.3 platform and ids, and later 1.1 launches still find it through here.
    """

    __tablename__ = "lti11_aliases"
    __table_args__ = (UniqueConstraint("consumer_id", "kind", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # user | context | resource_link
    external_id: Mapped[str] = mapped_column(String(255))
    target_id: Mapped[int] = mapped_column()


def _fernet() -> Fernet:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(secret: str) -> str:
    """Encrypt a consumer secret for storage."""
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token: str) -> str:
    """Decrypt a stored consumer secret; SecretError when the SECRET_KEY no longer matches."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretError(
            "cannot decrypt the LTI 1.1 consumer secret (was CATALYST_SECRET_KEY changed?): "
            "store it again with `platform lti11-secret KEY`"
        ) from exc


def consumer_secret(platform_id: int) -> str | None:
    """The clear secret of an LTI 1.1 platform, or None when it has none."""
    row = db.session.get(Lti11Consumer, platform_id)
    return decrypt_secret(row.secret_encrypted) if row is not None else None


def outcome_target(
    session: Session, user_id: int, link: ResourceLink, values: dict[str, Any]
) -> tuple[str, str, str | None] | None:
    """(target_key, mode, url) of a Basic Outcomes delivery, or None (no service, no score)."""
    if values.get("score_given") is None:
        return None  # LTI 1.1 results have no progress states: nothing to send without a score
    found = session.scalar(
        select(Lti11Outcome.id).where(
            Lti11Outcome.user_id == user_id, Lti11Outcome.resource_link_id == link.id
        )
    )
    return (f"{LTI11}:{link.id}", LTI11, None) if found is not None else None
