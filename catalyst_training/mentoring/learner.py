"""A learner's drill-down: progress per module, quiz attempts, submissions, activity timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from ..auth.models import User
from ..content.services import self_assessment
from ..core.models import aware
from ..extensions import db
from ..learning import self_assessment as maturity
from ..learning.models import (
    LessonView,
    ModuleProgress,
    QuizAttempt,
    SelfAssessmentResult,
    Submission,
)
from .dashboard import programme_modules
from .models import Review


@dataclass
class LearnerFile:
    """Everything a mentor sees about one learner."""

    user: User
    modules: list
    progress: dict[str, ModuleProgress]
    attempts: list[QuizAttempt]
    submissions: list[Submission]
    reviews: dict[int, Review]
    timeline: list[tuple[datetime, str, str]] = field(default_factory=list)


def learner_file(user_id: int) -> LearnerFile | None:
    """Load a learner's record, None when there is no such user (the caller checked access)."""
    user = db.session.get(User, user_id)
    if user is None:
        return None
    rows = db.session.scalars(select(ModuleProgress).filter_by(user_id=user_id))
    progress = {p.module_slug: p for p in rows}
    attempts = list(
        db.session.scalars(
            select(QuizAttempt)
            .filter_by(user_id=user_id)
            .order_by(QuizAttempt.module_slug, QuizAttempt.number)
        )
    )
    subs = list(
        db.session.scalars(
            select(Submission)
            .filter_by(user_id=user_id)
            .order_by(Submission.module_slug, Submission.number.desc())
        )
    )
    reviews = (
        {
            r.submission_id: r
            for r in db.session.scalars(
                select(Review).where(Review.submission_id.in_([s.id for s in subs]))
            )
        }
        if subs
        else {}
    )
    views = db.session.scalars(select(LessonView).filter_by(user_id=user_id))
    timeline: list[tuple[datetime, str, str]] = []
    for v in views:
        timeline.append((aware(v.last_viewed_at), "lesson", f"{v.module_slug} · {v.lesson_id}"))
    for a in attempts:
        timeline.append(
            (aware(a.submitted_at or a.started_at), "quiz", f"{a.module_slug} · #{a.number}")
        )
    for s in subs:
        if s.submitted_at:
            timeline.append((aware(s.submitted_at), "submission", f"{s.module_slug} · v{s.number}"))
        if s.decided_at:
            timeline.append((aware(s.decided_at), s.state, f"{s.module_slug} · v{s.number}"))
    timeline.sort(key=lambda t: t[0] or datetime.min.replace(tzinfo=UTC), reverse=True)
    return LearnerFile(user, programme_modules(), progress, attempts, subs, reviews, timeline)


def maturity_rows(user_id: int, context_id: int | None) -> list[maturity.Row] | None:
    """The learner's latest start and end self-assessments, side by side (read-only for staff).

    In the viewer's course run; a local coordinator (no course run) sees the latest of any run.
    None when the programme has no self-assessment or the learner never took it.
    """
    assessment = self_assessment()
    if assessment is None:
        return None
    if context_id is not None:
        rows = maturity.takings(user_id, context_id)
    else:
        rows = list(
            db.session.scalars(
                select(SelfAssessmentResult)
                .filter_by(user_id=user_id)
                .order_by(SelfAssessmentResult.taken_at.desc(), SelfAssessmentResult.id.desc())
            )
        )
    return maturity.side_by_side(assessment, maturity.latest(rows)) if rows else None
