"""Territories, cohorts, grading leases, reviews, snippets, peer exchanges and the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.models import TimestampMixin, utcnow
from ..extensions import db

cohort_mentors = Table(
    "cohort_mentors",
    db.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Territory(TimestampMixin, db.Model):
    """A place starting an alliance: commune (INSEE), EPCI (SIREN) or department."""

    __tablename__ = "territories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    code: Mapped[str] = mapped_column(String(9), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    region: Mapped[str | None] = mapped_column(String(255))


class Cohort(TimestampMixin, db.Model):
    """Learners of one territory in one course run, followed by mentors."""

    __tablename__ = "cohorts"
    __table_args__ = (UniqueConstraint("context_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(100))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territories.id"), index=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("contexts.id", ondelete="CASCADE"))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    territory: Mapped[Territory] = relationship()
    mentors: Mapped[list[User]] = relationship(secondary=cohort_mentors)


class CohortMember(db.Model):
    """A learner in a cohort; at most one cohort per learner and course run."""

    __tablename__ = "cohort_members"
    __table_args__ = (UniqueConstraint("user_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(ForeignKey("contexts.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    user: Mapped[User] = relationship()


class MentoringSettings(db.Model):
    """Per course run settings chosen by a coordinator."""

    __tablename__ = "mentoring_settings"

    context_id: Mapped[int] = mapped_column(
        ForeignKey("contexts.id", ondelete="CASCADE"), primary_key=True
    )
    learners_pick_territory: Mapped[bool] = mapped_column(default=False)


class GradingLease(db.Model):
    """Who is grading a submission version, until when (claimed by a conditional UPDATE)."""

    __tablename__ = "grading_leases"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    holder: Mapped[User | None] = relationship()


class Review(db.Model):
    """A mentor's review of a submission version: rubric, comments, draft then decision."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), unique=True
    )
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    levels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    points: Mapped[float | None] = mapped_column()
    max_points: Mapped[float | None] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")
    private_note: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    new_due_on: Mapped[date | None] = mapped_column(Date)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CommentSnippet(db.Model):
    """A comment a mentor reuses across reviews."""

    __tablename__ = "comment_snippets"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)


peer_participants = Table(
    "peer_session_participants",
    db.metadata,
    Column("session_id", ForeignKey("peer_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class PeerSession(db.Model):
    """A peer-exchange visit or meeting between territories."""

    __tablename__ = "peer_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    held_on: Mapped[date] = mapped_column(Date)
    host_territory_id: Mapped[int] = mapped_column(ForeignKey("territories.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")

    host: Mapped[Territory] = relationship()
    participants: Mapped[list[User]] = relationship(secondary=peer_participants)


class AuditEntry(db.Model):
    """Append-only trail of grades, overrides, moves and lease breaks."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The course run the entry belongs to (None: reference data, seen by local coordinators).
    context_id: Mapped[int | None] = mapped_column(
        ForeignKey("contexts.id", ondelete="SET NULL", name="fk_audit_log_context_id"),
        index=True,
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(_mapper, _conn, _target) -> None:
    raise ValueError("audit_log is append-only")
