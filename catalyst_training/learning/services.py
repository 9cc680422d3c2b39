"""Quiz attempts and lesson views (flush only; views commit)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.datastructures import MultiDict

from ..core import events
from ..core.models import aware
from ..extensions import db
from .grading import build_order, grade, percent, score_answers
from .models import LessonView, QuizAttempt
from .questions import question_type

IN_PROGRESS, SUBMITTED = "in_progress", "submitted"


class QuizError(Exception):
    """A quiz action that is not allowed now (no attempts left, cooldown, closed attempt)."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code


def record_lesson_view(user_id: int, slug: str, lesson_id: str, now: datetime) -> None:
    """Remember that a learner opened a lesson."""
    view = db.session.scalars(
        select(LessonView).filter_by(user_id=user_id, module_slug=slug, lesson_id=lesson_id)
    ).first()
    if view is None:
        view = LessonView(
            user_id=user_id,
            module_slug=slug,
            lesson_id=lesson_id,
            first_viewed_at=now,
            last_viewed_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(view)
        except IntegrityError:
            return  # the same lesson opened twice at once: one row (and one event) is enough
        events.emit(events.LESSON_VIEWED, user_id, now, view)
    else:
        view.last_viewed_at = now


def attempts_of(user_id: int, slug: str) -> list[QuizAttempt]:
    """A learner's attempts at a module's quiz, oldest first."""
    return list(db.session.scalars(QuizAttempt.numbered(user_id, slug)))


def quiz_state(quiz, attempts: list[QuizAttempt], now: datetime) -> dict[str, Any]:
    """What the learner may do now: resume, start (or why not), attempts left, grade."""
    done = [a for a in attempts if a.state == SUBMITTED]
    current = next((a for a in attempts if a.state == IN_PROGRESS), None)
    # 0 and null both mean unlimited attempts.
    limit = quiz.max_attempts or 0
    left = None if limit == 0 else max(0, limit - len(done))
    wait_until = None
    if done and quiz.cooldown_minutes:
        wait_until = done[-1].submitted_at + timedelta(minutes=quiz.cooldown_minutes)
        if aware(wait_until) <= now:
            wait_until = None
    passed = any(a.passed for a in done)
    reason = None
    if current is None:
        if left == 0:
            reason = "no_attempts_left"
        elif wait_until is not None:
            reason = "cooldown"
    return {
        "current": current,
        "submitted": done,
        "attempts_left": left,
        "can_start": current is None and reason is None,
        "reason": reason,
        "wait_until": wait_until,
        "grade": grade([a.percent or 0.0 for a in done], quiz.grading),
        "passed": passed,
        "last": left == 0,
    }


def start_attempt(user_id: int, slug: str, version_id: int, quiz, now: datetime) -> QuizAttempt:
    """Resume the attempt in progress, or start a new one when allowed."""
    state = quiz_state(quiz, attempts_of(user_id, slug), now)
    if state["current"] is not None:
        return state["current"]
    if not state["can_start"]:
        raise QuizError(state["reason"])
    seed = secrets.randbelow(2**31)
    order, choices = build_order(quiz, seed)
    attempt = QuizAttempt(
        user_id=user_id,
        module_slug=slug,
        module_version_id=version_id,
        number=len(state["submitted"]) + 1,
        seed=seed,
        state=IN_PROGRESS,
        question_order=order,
        choice_order=choices,
        answers={},
        started_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # Two tabs started at once: the other request's attempt is the one.
        current = quiz_state(quiz, attempts_of(user_id, slug), now)["current"]
        if current is None:
            raise QuizError("conflict") from None
        return current
    events.emit(events.QUIZ_STARTED, user_id, now, attempt)
    return attempt


def parse_answers(quiz, form: MultiDict) -> dict[str, Any]:
    """Every question's answer from a submitted form; InvalidAnswer on a tampered field."""
    answers: dict[str, Any] = {}
    for q in quiz.questions:
        value = question_type(q).parse(q, form)
        if value is not None:
            answers[q["id"]] = value
    return answers


def save_answers(attempt: QuizAttempt, quiz, form: MultiDict, now: datetime) -> None:
    """Keep the answers of an attempt in progress (it survives a reload)."""
    if attempt.state != IN_PROGRESS:
        raise QuizError("closed")
    attempt.answers = parse_answers(quiz, form)
    attempt.saved_at = now


def submit_attempt(attempt: QuizAttempt, quiz, form: MultiDict, now: datetime) -> bool:
    """Score and close an attempt with a form's answers; False when already submitted."""
    if attempt.state != IN_PROGRESS:
        return False
    return close_attempt(attempt, quiz, parse_answers(quiz, form), now)


def close_attempt(attempt: QuizAttempt, quiz, answers: dict[str, Any], now: datetime) -> bool:
    """Score and close an attempt with these answers; False when it was already submitted."""
    if attempt.state != IN_PROGRESS:
        return False
    points, maximum, results = score_answers(quiz.questions, answers)
    pct = percent(points, maximum)
    values = {
        "state": SUBMITTED,
        "answers": answers,
        "results": results,
        "points": points,
        "max_points": maximum,
        "percent": pct,
        "passed": pct >= quiz.pass_mark,
        "submitted_at": now,
        "saved_at": now,
    }
    # The state guard makes the transition happen once even when two submits race.
    changed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.state == IN_PROGRESS)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        db.session.refresh(attempt)  # the other request's submission is the one
        return False
    # The row now holds exactly these values: no SELECT to read them back.
    for key, value in values.items():
        set_committed_value(attempt, key, value)
    events.emit(events.QUIZ_SUBMITTED, attempt.user_id, now, attempt, quiz=quiz)
    return True
