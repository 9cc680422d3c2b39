"""Learner state: lesson views, quiz attempts, assignment submissions, progress, score events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    Select,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..core.models import TimestampMixin, utcnow
from ..extensions import db

NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"
DRAFT, SUBMITTED, RETURNED, APPROVED = "draft", "submitted", "returned", "approved"


class LessonView(db.Model):
    """A learner opened a lesson (first and last time)."""

    __tablename__ = "lesson_views"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    lesson_id: Mapped[str] = mapped_column(String(100))
    first_viewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_viewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NumberedWork:
    """A learner's numbered rows in a module, each made on one module version (1, 2, ...)."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (UniqueConstraint("user_id", "module_slug", "number"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    module_version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"))
    number: Mapped[int] = mapped_column(Integer)

    @classmethod
    def numbered(cls, user_id: int, slug: str, *, newest_first: bool = False) -> Select:
        """SELECT of a learner's rows in a module, by number (oldest first unless asked)."""
        order = cls.number.desc() if newest_first else cls.number
        return select(cls).filter_by(user_id=user_id, module_slug=slug).order_by(order)


class QuizAttempt(NumberedWork, db.Model):
    """One attempt at a module's quiz, tied to the module version it was made on."""

    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    seed: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default="in_progress")
    question_order: Mapped[list[str]] = mapped_column(JSON)
    choice_order: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    points: Mapped[float | None] = mapped_column(Float)
    max_points: Mapped[float | None] = mapped_column(Float)
    percent: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Submission(NumberedWork, TimestampMixin, db.Model):
    """One version of a learner's reflective assignment (each resubmission is a new row)."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(20), default=DRAFT)
    text: Mapped[str] = mapped_column(Text, default="")
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_path: Mapped[str | None] = mapped_column(String(512))
    attachment_size: Mapped[int | None] = mapped_column(Integer)
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    feedback: Mapped[str | None] = mapped_column(Text)
    return_reason: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score_percent: Mapped[float | None] = mapped_column(Float)


class ModuleProgress(db.Model):
    """Where a learner stands in a module; recomputed by learning.progress.evaluate()."""

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20), default=NOT_STARTED)
    lessons_viewed: Mapped[int] = mapped_column(Integer, default=0)
    lessons_total: Mapped[int] = mapped_column(Integer, default=0)
    quiz_attempts: Mapped[int] = mapped_column(Integer, default=0)
    best_quiz_percent: Mapped[float | None] = mapped_column(Float)
    quiz_grade: Mapped[float | None] = mapped_column(Float)
    quiz_passed: Mapped[bool] = mapped_column(default=False)
    assignment_state: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float)
    activity_progress: Mapped[str | None] = mapped_column(String(20))
    grading_progress: Mapped[str | None] = mapped_column(String(20))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_activity_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ScoreEvent(db.Model):
    """A module score or state change, recorded in the same transaction for grade passback."""

    __tablename__ = "score_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    score_given: Mapped[float | None] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float, default=100.0)
    activity_progress: Mapped[str] = mapped_column(String(20))
    grading_progress: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SelfAssessmentResult(db.Model):
    """One taking of the alliance-maturity self-assessment: every attempt kept, latest shown."""

    __tablename__ = "self_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The course run it was taken in (None for a session without one, e.g. a local account).
    context_id: Mapped[int | None] = mapped_column(
        ForeignKey("contexts.id", ondelete="CASCADE"), index=True
    )
    phase: Mapped[str] = mapped_column(String(10))  # "start" (module 01) or "end" (module 07)
    answers: Mapped[dict[str, int]] = mapped_column(JSON)  # {dimension id: level value 1..4}
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
