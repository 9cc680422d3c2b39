"""The outbox: one row per score to deliver to a platform's gradebook; shared queue columns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import TimestampMixin, utcnow
from ..extensions import db

PENDING, IN_FLIGHT, DELIVERED, DEAD = "pending", "in_flight", "delivered", "dead"
STATES = (PENDING, IN_FLIGHT, DELIVERED, DEAD)
DECLARATIVE, PROGRAMMATIC = "declarative", "programmatic"


class OutboxColumns(TimestampMixin):
    """The columns every queue of the outbox shares (see queues.py): state, attempts, claim."""

    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    response_status: Mapped[int | None] = mapped_column(Integer)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class GradeDelivery(TimestampMixin, db.Model):
    """A score for one learner and one line item, and where its delivery stands.

    `target_key` names the line item ("li:<url>" for the launch's declarative line item,
    "ctx:<context pk>:<module slug>" for a programmatic one): superseded pending rows of the
    same learner and target collapse into the latest value.
    """

    __tablename__ = "grade_deliveries"
    __table_args__ = (
        Index("ix_grade_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_grade_deliveries_user_id_target_key", "user_id", "target_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    resource_link_id: Mapped[int] = mapped_column(
        ForeignKey("resource_links.id", ondelete="CASCADE"), index=True
    )
    context_id: Mapped[int | None] = mapped_column(ForeignKey("contexts.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    mode: Mapped[str] = mapped_column(String(16), default=DECLARATIVE)
    target_key: Mapped[str] = mapped_column(String(2100))
    lineitem_url: Mapped[str | None] = mapped_column(String(2048))
    score_given: Mapped[float | None] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float, default=100.0)
    activity_progress: Mapped[str] = mapped_column(String(20))
    grading_progress: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    # When the score changed (sent as the AGS timestamp; microseconds kept).
    timestamp: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
