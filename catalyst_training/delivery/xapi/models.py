"""Learning records: the LRSs statements go to, and every statement with its delivery state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ...core.models import TimestampMixin
from ...extensions import db
from ..models import OutboxColumns


class LrsEndpoint(TimestampMixin, db.Model):
    """A Learning Record Store: for one platform, or for every platform (platform_id NULL)."""

    __tablename__ = "lrs_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int | None] = mapped_column(
        ForeignKey("platforms.id", ondelete="CASCADE"), unique=True
    )
    # The xAPI base ("https://lrs.example.org/xAPI/"): statements are POSTed to <url>statements.
    url: Mapped[str] = mapped_column(String(2048))
    username: Mapped[str] = mapped_column(String(255))
    # Fernet token of the Basic password (the key derives from SECRET_KEY, as LTI 1.1 secrets).
    password_encrypted: Mapped[str] = mapped_column(String(1024))
    # Coordinators may let statements name people by email (mbox); the default is the
    # platform account (issuer + sub), which identifies nobody outside the platform.
    send_email: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class XapiStatement(OutboxColumns, db.Model):
    """One xAPI statement as recorded (the history replay sends again) and where it stands.

    `statement_id` is derived from what happened (uuid5), so a retry, a replay or the same event
    recorded twice names the same statement and the LRS keeps one.
    """

    __tablename__ = "xapi_statements"
    __table_args__ = (
        Index("ix_xapi_statements_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_xapi_statements_timestamp", "timestamp"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    lrs_id: Mapped[int | None] = mapped_column(
        ForeignKey("lrs_endpoints.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    context_id: Mapped[int | None] = mapped_column(
        ForeignKey("contexts.id", ondelete="SET NULL"), index=True
    )
    verb: Mapped[str] = mapped_column(String(40))
    timestamp: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
