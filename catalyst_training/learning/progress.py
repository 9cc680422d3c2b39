"""Progress per learner x module: completion by the module's rule, score, passback events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select

from ..extensions import db
from .grading import grade
from .models import (
    APPROVED,
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    SUBMITTED,
    LessonView,
    ModuleProgress,
    QuizAttempt,
    ScoreEvent,
    Submission,
)

# AGS vocabulary (https://www.imsglobal.org/spec/lti-ags/v2p0#score-publish-service)
INITIALIZED, STARTED, AGS_SUBMITTED, AGS_COMPLETED = (
    "Initialized",
    "Started",
    "Submitted",
    "Completed",
)
NOT_READY, PENDING, PENDING_MANUAL, FULLY_GRADED = (
    "NotReady",
    "Pending",
    "PendingManual",
    "FullyGraded",
)


# Completion conditions that other domains provide (a dict registry: learning stays below them).
# Key: the completion rule's name in module.yaml; value: fn(user_id) -> bool.
EXTRA_RULES: dict[str, Callable[[int], bool]] = {}


def extra_rules_ok(user_id: int, rule) -> bool:
    """Every extra completion condition the module asks for holds (unknown ones never do)."""
    for name, required in rule.items():
        if name in ("lessons", "quiz", "assignment") or required == "none":
            continue
        check = EXTRA_RULES.get(name)
        if check is None or not check(user_id):
            return False
    return True


def progress_row(user_id: int, slug: str) -> ModuleProgress:
    """The learner's progress row for a module (created on first use)."""
    row = db.session.scalars(
        select(ModuleProgress).filter_by(user_id=user_id, module_slug=slug)
    ).first()
    if row is None:
        row = ModuleProgress(user_id=user_id, module_slug=slug, status=NOT_STARTED)
        db.session.add(row)
    return row


def _assignment_percent(sub: Submission | None) -> float:
    if sub is None or sub.state != APPROVED:
        return 0.0
    return sub.score_percent if sub.score_percent is not None else 100.0


def evaluate(user_id: int, module, now: datetime) -> ModuleProgress:
    """Recompute a learner's progress in a module; record a score event when it changed."""
    slug = module.slug
    lesson_ids = [lesson.id for lesson in module.lessons]
    viewed = (
        db.session.scalar(
            select(func.count(LessonView.id)).where(
                LessonView.user_id == user_id,
                LessonView.module_slug == slug,
                LessonView.lesson_id.in_(lesson_ids),
            )
        )
        or 0
    )
    attempts = list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.module_slug == slug)
            .order_by(QuizAttempt.number)
        )
    )
    done = [a for a in attempts if a.state == "submitted"]
    latest = db.session.scalars(
        select(Submission)
        .where(Submission.user_id == user_id, Submission.module_slug == slug)
        .order_by(Submission.number.desc())
        .limit(1)
    ).first()
    quiz = module.quiz
    quiz_grade = grade([a.percent or 0.0 for a in done], quiz.grading) if quiz else None
    quiz_passed = bool(quiz and quiz_grade is not None and quiz_grade >= quiz.pass_mark)
    sub_state = latest.state if latest else None

    rule = module.completion
    lessons_ok = rule.get("lessons", "all") == "none" or viewed >= len(lesson_ids)
    quiz_rule = rule.get("quiz", "none") if quiz else "none"
    quiz_ok = quiz_rule == "none" or (quiz_passed if quiz_rule == "passed" else bool(done))
    a_rule = rule.get("assignment", "none") if module.assignment else "none"
    if a_rule == "approved":
        assignment_ok = sub_state == APPROVED
    elif a_rule == "submitted":
        assignment_ok = sub_state in (SUBMITTED, APPROVED)
    else:
        assignment_ok = True
    started = bool(viewed or attempts or latest)
    complete = (
        lessons_ok and quiz_ok and assignment_ok and started and extra_rules_ok(user_id, rule)
    )

    weights = module.weighting
    score = None
    if done or sub_state == APPROVED:
        score = round(
            weights.get("quiz", 0) * (quiz_grade or 0.0) / 100
            + weights.get("assignment", 0) * _assignment_percent(latest) / 100,
            2,
        )

    row = progress_row(user_id, slug)
    before = (row.score, row.activity_progress, row.grading_progress)
    row.lessons_viewed, row.lessons_total = viewed, len(lesson_ids)
    row.quiz_attempts = len(done)
    row.best_quiz_percent = max((a.percent or 0.0 for a in done), default=None)
    row.quiz_grade, row.quiz_passed = quiz_grade, quiz_passed
    row.assignment_state, row.score = sub_state, score
    row.status = COMPLETED if complete else (IN_PROGRESS if started else NOT_STARTED)
    if complete and row.completed_at is None:
        row.completed_at = now
    if started:
        row.last_activity_at = now
    # Handed in and not yet graded by a mentor: the score is not final even when the module's
    # completion rule only asks for a submission (its grade weighs in the score).
    awaiting_mentor = sub_state == SUBMITTED and (
        a_rule == "approved" or weights.get("assignment", 0) > 0
    )
    if awaiting_mentor:
        row.activity_progress, row.grading_progress = AGS_SUBMITTED, PENDING_MANUAL
    elif complete:
        row.activity_progress, row.grading_progress = AGS_COMPLETED, FULLY_GRADED
    elif started:
        row.activity_progress = STARTED
        row.grading_progress = PENDING
    else:
        row.activity_progress, row.grading_progress = INITIALIZED, NOT_READY
    if (row.score, row.activity_progress, row.grading_progress) != before and started:
        db.session.add(
            ScoreEvent(
                user_id=user_id,
                module_slug=slug,
                score_given=row.score,
                score_maximum=100.0,
                activity_progress=row.activity_progress,
                grading_progress=row.grading_progress,
                created_at=now,
            )
        )
    return row
