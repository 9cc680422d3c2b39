"""Platform registry, deployments, tool keys, consumed nonces and roster sync jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import TimestampMixin
from ..extensions import db


class Platform(TimestampMixin, db.Model):
    """A registered platform (issuer + client id); one issuer may hold several client ids."""

    __tablename__ = "platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    lti_version: Mapped[str] = mapped_column(String(8), default="1.3")
    issuer: Mapped[str] = mapped_column(String(1024))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str | None] = mapped_column(String(2048))
    auth_token_url: Mapped[str | None] = mapped_column(String(2048))
    key_set_url: Mapped[str | None] = mapped_column(String(2048))
    audience: Mapped[str | None] = mapped_column(String(1024))
    active: Mapped[bool] = mapped_column(default=True)
    # Per-platform overrides of the role mapping table: {"<LTI role URI>": "mentor", ...}
    role_map: Mapped[dict[str, str] | None] = mapped_column(JSON)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="platform", cascade="all, delete-orphan"
    )

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly description (no secrets)."""
        return {
            "id": self.id,
            "name": self.name,
            "lti_version": self.lti_version,
            "issuer": self.issuer,
            "client_id": self.client_id,
            "auth_login_url": self.auth_login_url,
            "auth_token_url": self.auth_token_url,
            "key_set_url": self.key_set_url,
            "audience": self.audience,
            "active": self.active,
            "deployments": [
                {"deployment_id": d.deployment_id, "active": d.active} for d in self.deployments
            ],
        }


class Deployment(TimestampMixin, db.Model):
    """A deployment id of a platform; launches name one that must be known and active."""

    __tablename__ = "deployments"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)

    platform: Mapped[Platform] = relationship(back_populates="deployments")


class ToolKey(TimestampMixin, db.Model):
    """An RSA key pair of the tool; the newest active one signs, retired ones stay published."""

    __tablename__ = "tool_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    signing: Mapped[bool] = mapped_column(default=True)
    published: Mapped[bool] = mapped_column(default=True)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UsedNonce(db.Model):
    """A consumed id_token nonce: the unique key makes consumption atomic across nodes."""

    __tablename__ = "lti_used_nonces"
    __table_args__ = (UniqueConstraint("issuer", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(1024))
    nonce: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


ROSTER_PENDING, ROSTER_RUNNING, ROSTER_DONE, ROSTER_FAILED = "pending", "running", "done", "failed"


class RosterJob(TimestampMixin, db.Model):
    """A roster sync (NRPS) asked for from the web, run by the worker; its progress and result."""

    __tablename__ = "roster_jobs"
    __table_args__ = (Index("ix_roster_jobs_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    # contexts and users live in auth; referenced by table name like the other lti tables.
    context_id: Mapped[int] = mapped_column(
        ForeignKey("contexts.id", ondelete="CASCADE"), index=True
    )
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16), default=ROSTER_PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    members: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    deactivated: Mapped[int] = mapped_column(Integer, default=0)
    # Why it failed: a kind the page turns into a sentence, and the platform's short detail.
    error_kind: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
