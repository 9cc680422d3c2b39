"""Progress per learner x module: gather the facts, apply the rules, persist row and score event.

The rules themselves are pure and live in learning.completion.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select

from ..core import events
from ..extensions import db
from .completion import (
    FULLY_GRADED,
    ProgressFacts,
    ProgressOutcome,
    compute_progress,
    core_rules_met,
    extra_rules_hold,
    required_extra_rules,
)
from .models import (
    COMPLETED,
    NOT_STARTED,
    LessonView,
    ModuleProgress,
    QuizAttempt,
    ScoreEvent,
    Submission,
)

# Completion conditions that other domains provide (a dict registry: learning stays below them).
# Key: the completion rule's name in module.yaml; value: fn(user_id) -> bool.
EXTRA_RULES: dict[str, Callable[[int], bool]] = {}
# Called when a learner's module becomes completed, in the same transaction (credentials issues
# certificates here). Key: the listener's owner; value: fn(user_id, module_slug, now).
COMPLETION_HOOKS: dict[str, Callable[[int, str, datetime], None]] = {}


def extra_rule_results(user_id: int, rule: Mapping[str, str]) -> dict[str, bool]:
    """Check the module's extra completion rules in order, up to the first that fails."""
    results: dict[str, bool] = {}
    for name in required_extra_rules(rule):
        check = EXTRA_RULES.get(name)
        # Each check may query another domain: once one fails the module is incomplete anyway.
        results[name] = check is not None and check(user_id)
        if not results[name]:
            break
    return results


def extra_rules_ok(user_id: int, rule) -> bool:
    """Every extra completion condition the module asks for holds (unknown ones never do)."""
    return extra_rules_hold(rule, extra_rule_results(user_id, rule))


def progress_row(user_id: int, slug: str) -> ModuleProgress:
    """The learner's progress row for a module (created on first use)."""
    row = db.session.scalars(
        select(ModuleProgress).filter_by(user_id=user_id, module_slug=slug)
    ).first()
    if row is None:
        row = ModuleProgress(user_id=user_id, module_slug=slug, status=NOT_STARTED)
        db.session.add(row)
    return row


def gather_facts(user_id: int, module) -> ProgressFacts:
    """The learner's lesson views, quiz attempts and latest work in a module (extra rules aside)."""
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
    attempts = list(db.session.scalars(QuizAttempt.numbered(user_id, slug)))
    latest = db.session.scalars(
        Submission.numbered(user_id, slug, newest_first=True).limit(1)
    ).first()
    quiz = module.quiz
    return ProgressFacts(
        lessons_viewed=viewed,
        lessons_total=len(lesson_ids),
        quiz_attempts_started=len(attempts),
        quiz_percents=tuple(a.percent or 0.0 for a in attempts if a.state == "submitted"),
        has_quiz=bool(quiz),
        quiz_grading=quiz.grading if quiz else "highest",
        quiz_pass_mark=quiz.pass_mark if quiz else 0.0,
        has_assignment=bool(module.assignment),
        assignment_state=latest.state if latest else None,
        assignment_percent=latest.score_percent if latest else None,
        assignment_feedback=latest.feedback if latest else None,
        completion=module.completion,
        weighting=module.weighting,
        automatic_final=bool((getattr(module, "passback", None) or {}).get("automatic_final")),
    )


def _persist(
    user_id: int,
    slug: str,
    row: ModuleProgress,
    facts: ProgressFacts,
    out: ProgressOutcome,
    now: datetime,
) -> None:
    row.lessons_viewed, row.lessons_total = facts.lessons_viewed, facts.lessons_total
    row.quiz_attempts = out.quiz_attempts
    row.best_quiz_percent = out.best_quiz_percent
    row.quiz_grade, row.quiz_passed = out.quiz_grade, out.quiz_passed
    row.assignment_state, row.score = out.assignment_state, out.score
    row.status = out.status
    if out.completed and row.completed_at is None:
        row.completed_at = now
    if out.started:
        row.last_activity_at = now
    row.activity_progress, row.grading_progress = out.activity_progress, out.grading_progress
    if out.score_event_due:
        db.session.add(
            ScoreEvent(
                user_id=user_id,
                module_slug=slug,
                score_given=out.score,
                score_maximum=100.0,
                activity_progress=out.activity_progress,
                grading_progress=out.grading_progress,
                # Gradebooks show an AGS comment as the grade's feedback: the mentor's, once final.
                comment=facts.assignment_feedback if out.grading_progress == FULLY_GRADED else None,
                created_at=now,
            )
        )


def evaluate(user_id: int, module, now: datetime) -> ModuleProgress:
    """Recompute a learner's progress in a module; record a score event when it changed."""
    facts = gather_facts(user_id, module)
    # Extra rules query other domains: only ask them when nothing else keeps the module open.
    if core_rules_met(facts):
        facts = replace(facts, extra_rules=extra_rule_results(user_id, module.completion))
    row = progress_row(user_id, module.slug)
    was_completed = row.status == COMPLETED
    facts = replace(
        facts,
        recorded_score=row.score,
        recorded_activity_progress=row.activity_progress,
        recorded_grading_progress=row.grading_progress,
    )
    _persist(user_id, module.slug, row, facts, compute_progress(facts), now)
    if row.status == COMPLETED and not was_completed:
        db.session.flush()  # the hooks read the learner's progress rows back
        events.emit(events.MODULE_COMPLETED, user_id, now, row, slug=module.slug)
        for hook in COMPLETION_HOOKS.values():
            hook(user_id, module.slug, now)
    return row
