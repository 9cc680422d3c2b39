"""What a learner should do next: the "Continuer" link of the programme and module pages.

`step_in_module` and `step_in_programme` are pure (facts in, step out, table-tested);
`gather` reads a learner's records in three queries whatever the programme size and
`programme_facts` turns them into facts per module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..extensions import db
from .models import COMPLETED, LessonView, ModuleProgress, QuizAttempt
from .services import quiz_state

# Kinds of step: the learner can act (an URL), or must wait for someone else (no URL).
LESSON, QUIZ, RESUME_QUIZ = "lesson", "quiz", "resume_quiz"
ASSIGNMENT, REVISE = "assignment", "revise"
WAIT_MENTOR, WAIT_PEER, DONE = "wait_mentor", "wait_peer", "done"
ACTIONS = {LESSON, QUIZ, RESUME_QUIZ, ASSIGNMENT, REVISE}


@dataclass(frozen=True)
class ModuleFacts:
    """What the learner did in one module."""

    viewed: frozenset[str] = frozenset()
    status: str = "not_started"
    quiz_passed: bool = False
    quiz_attempted: bool = False
    quiz_current: bool = False
    quiz_can_start: bool = True
    assignment_state: str | None = None


@dataclass(frozen=True)
class NextStep:
    """One thing to do (or to wait for), in a module."""

    kind: str
    module: Any = None
    lesson: Any = None
    args: Mapping[str, Any] = field(default_factory=dict)

    @property
    def actionable(self) -> bool:
        """True when the learner can do it now (the page shows a "Continuer" button)."""
        return self.kind in ACTIONS


def step_in_module(module, facts: ModuleFacts) -> NextStep | None:
    """The next thing to do in a module, a reason to wait, or None when it is completed."""
    if facts.status == COMPLETED:
        return None
    for lesson in module.lessons:
        if lesson.id not in facts.viewed:
            return NextStep(LESSON, module, lesson)
    rules = module.completion
    quiz_rule = rules.get("quiz", "none") if module.quiz else "none"
    quiz_done = facts.quiz_passed if quiz_rule == "passed" else facts.quiz_attempted
    if quiz_rule != "none" and not quiz_done:
        if facts.quiz_current:
            return NextStep(RESUME_QUIZ, module)
        if facts.quiz_can_start:
            return NextStep(QUIZ, module)
    work_rule = rules.get("assignment", "none") if module.assignment else "none"
    state = facts.assignment_state
    if work_rule != "none":
        if state == "returned":
            return NextStep(REVISE, module)
        if state in (None, "draft"):
            return NextStep(ASSIGNMENT, module)
        if state == "submitted" and work_rule == "approved":
            return NextStep(WAIT_MENTOR, module)
    if rules.get("peer_exchange", "none") != "none":
        return NextStep(WAIT_PEER, module)
    # Nothing left that the learner can do (e.g. no attempts left): the mentor decides.
    return NextStep(WAIT_MENTOR, module)


def step_in_programme(
    modules: Iterable, facts: Mapping[str, ModuleFacts], start_after: str | None = None
) -> NextStep:
    """The first module step the learner can take, in programme order (then waits, then done).

    `start_after` skips the modules up to and including that slug first (the module page asks
    "and after this one?"), then wraps around so an earlier unfinished module is not forgotten.
    """
    ordered = list(modules)
    if start_after is not None:
        index = next((i for i, m in enumerate(ordered) if m.slug == start_after), -1)
        ordered = ordered[index + 1 :] + ordered[: index + 1]
    waiting: NextStep | None = None
    for module in ordered:
        step = step_in_module(module, facts.get(module.slug, ModuleFacts()))
        if step is None:
            continue
        if step.actionable:
            return step
        waiting = waiting or step
    return waiting or NextStep(DONE)


def progress_rows(user_id: int) -> dict[str, ModuleProgress]:
    """A learner's progress rows by module slug."""
    return {
        p.module_slug: p
        for p in db.session.scalars(select(ModuleProgress).filter_by(user_id=user_id))
    }


@dataclass(frozen=True)
class Records:
    """A learner's progress rows, lesson views and quiz attempts, by module slug."""

    rows: Mapping[str, ModuleProgress]
    viewed: Mapping[str, frozenset[str]]
    attempts: Mapping[str, list[QuizAttempt]]


def gather(user_id: int, rows: Mapping[str, ModuleProgress] | None = None) -> Records:
    """Everything the next step reads, in three queries whatever the programme size."""
    rows = progress_rows(user_id) if rows is None else rows
    viewed: dict[str, set[str]] = {}
    for slug, lesson_id in db.session.execute(
        select(LessonView.module_slug, LessonView.lesson_id).filter_by(user_id=user_id)
    ):
        viewed.setdefault(slug, set()).add(lesson_id)
    attempts: dict[str, list[QuizAttempt]] = {}
    for attempt in db.session.scalars(
        select(QuizAttempt).filter_by(user_id=user_id).order_by(QuizAttempt.number)
    ):
        attempts.setdefault(attempt.module_slug, []).append(attempt)
    return Records(rows, {k: frozenset(v) for k, v in viewed.items()}, attempts)


def programme_facts(records: Records, modules: Iterable, now: datetime) -> dict[str, ModuleFacts]:
    """Every module's facts for one learner, from their records."""
    out: dict[str, ModuleFacts] = {}
    for module in modules:
        row = records.rows.get(module.slug)
        attempts = records.attempts.get(module.slug, [])
        state = quiz_state(module.quiz, attempts, now) if module.quiz else {}
        out[module.slug] = ModuleFacts(
            viewed=records.viewed.get(module.slug, frozenset()),
            status=row.status if row else "not_started",
            quiz_passed=bool(state.get("passed")),
            quiz_attempted=bool(state.get("submitted")),
            quiz_current=state.get("current") is not None,
            quiz_can_start=bool(state.get("can_start", True)),
            assignment_state=row.assignment_state if row else None,
        )
    return out
