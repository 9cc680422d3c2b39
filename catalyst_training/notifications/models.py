"""Notifications: consent, person-given addresses, events waiting to be told, messages to send."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import TimestampMixin, utcnow
from ..delivery.models import OutboxColumns
from ..extensions import db
from ..learning.models import Submission

# Who a message is for (one preference each, one message per person, audience and period).
MENTOR, LEARNER, COORDINATOR, CONFIRM = "mentor", "learner", "coordinator", "confirm"
AUDIENCES = (MENTOR, LEARNER, COORDINATOR)
# Modes: mentors daily (default) or immediate; learners immediate; coordinators weekly (opt-in).
DAILY, IMMEDIATE, WEEKLY, OFF = "daily", "immediate", "weekly", "off"
DEFAULT_MODE = {MENTOR: DAILY, LEARNER: IMMEDIATE, COORDINATOR: OFF}
MODES = {MENTOR: (DAILY, IMMEDIATE, OFF), LEARNER: (IMMEDIATE, OFF), COORDINATOR: (WEEKLY, OFF)}
# Languages of messages a person may choose (no choice: the platform's locale).
LANGUAGES = ("fr", "en")
# A message that was not sent on purpose (consent withdrawn, no address, nothing left to say).
SKIPPED = "skipped"

# Event kinds.
SUBMITTED, LEASE_EXPIRING, STALLED = "submitted", "lease_expiring", "stalled"
RETURNED, APPROVED, COMMENTED = "returned", "approved", "commented"
MODULE_COMPLETED, PROGRAMME_COMPLETED = "module_completed", "programme_completed"


class NotificationPreference(db.Model):
    """A person's choice for one audience; no row means the default (DEFAULT_MODE)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NotificationLanguage(db.Model):
    """The language a person chose for their messages; no row: the platform's (User.locale)."""

    __tablename__ = "notification_languages"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NotificationAddress(TimestampMixin, db.Model):
    """An address a person gave in the tool (the platform sent none); used once confirmed."""

    __tablename__ = "notification_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NotificationMessage(OutboxColumns, db.Model):
    """One message to one person for one period: built from its events when it is sent."""

    __tablename__ = "notification_messages"
    __table_args__ = (
        UniqueConstraint("user_id", "audience", "period_key"),
        Index("ix_notification_messages_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    # The course run whose coordinators see this message in their list (not its content).
    context_id: Mapped[int | None] = mapped_column(
        ForeignKey("contexts.id", ondelete="SET NULL"), index=True
    )
    audience: Mapped[str] = mapped_column(String(20))
    period_key: Mapped[str] = mapped_column(String(80))
    # Ours, set at the first claim and kept: a retry after an uncertain send is recognisable.
    message_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    language: Mapped[str | None] = mapped_column(String(16))
    events_count: Mapped[int] = mapped_column(Integer, default=0)


class NotificationEvent(db.Model):
    """Something a person should be told, recorded in the transaction of the change itself."""

    __tablename__ = "notification_events"
    __table_args__ = (
        Index("ix_notification_events_waiting", "recipient_id", "audience", "message_row_id"),
        UniqueConstraint("recipient_id", "dedupe_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    context_id: Mapped[int | None] = mapped_column(ForeignKey("contexts.id", ondelete="SET NULL"))
    learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE")
    )
    module_slug: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Time-based events (a lease, a stall) are found by scans: the key keeps them single.
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The message that told it (NULL: still waiting); marked before sending, so never told twice.
    message_row_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification_messages.id", ondelete="SET NULL"), index=True
    )

    submission: Mapped[Submission | None] = relationship()
