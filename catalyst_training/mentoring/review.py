"""Reviewing a submission: rubric, comments, autosaved draft, then a decision (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from ..core import events
from ..extensions import db
from ..learning import assignments, progress
from ..learning.models import SUBMITTED, Submission
from . import audit, leases
from .models import CommentSnippet, Review
from .territories import MentoringError

DECISIONS = ("approve", "return", "comment")


@dataclass
class Draft:
    """What the review form sends."""

    levels: dict[str, str]
    comment: str = ""
    private_note: str = ""
    reason: str = ""
    new_due_on: date | None = None


def review_of(submission_id: int) -> Review | None:
    """The review of a version, or None."""
    return db.session.scalar(select(Review).filter_by(submission_id=submission_id))


def decided_levels(submission_id: int) -> dict[str, str]:
    """The rubric levels of a decided review ({} while undecided): shown to the learner."""
    found = review_of(submission_id)
    return dict(found.levels or {}) if found is not None and found.decision else {}


def rubric_points(assignment, levels: dict[str, str]) -> tuple[float | None, float]:
    """(points, max points) of chosen levels; points None until every criterion is scored."""
    total, complete = 0.0, True
    for criterion in assignment.rubric:
        level = next((lv for lv in criterion.levels if lv.id == levels.get(criterion.id)), None)
        if level is None:
            complete = False
        else:
            total += level.points
    return (total if complete else None), float(assignment.max_points)


@dataclass(frozen=True)
class Suggestion:
    """The decision the assignment's approval rule suggests for chosen levels, and why."""

    decision: str | None  # "approve" or "return"; None until every criterion is scored
    points: float | None
    max_points: float
    lowest: tuple[str, ...]  # titles of the criteria scored at their lowest level
    min_share: float
    no_lowest_level: bool

    @property
    def share(self) -> float | None:
        """Share of the rubric's points (0..1), None while incomplete."""
        if self.points is None or not self.max_points:
            return None
        return self.points / self.max_points


def at_lowest(criterion, level_id: str | None) -> bool:
    """Whether a chosen level has the fewest points of its criterion (ties all count)."""
    points = {lv.id: lv.points for lv in criterion.levels}
    return level_id in points and points[level_id] <= min(points.values())


def suggest(assignment, levels: dict[str, str]) -> Suggestion | None:
    """What the approval rule decides for these levels; None when there is no rule or rubric."""
    rule = getattr(assignment, "approval", None)
    if rule is None or not assignment.rubric:
        return None
    valid = {c.id: {lv.id for lv in c.levels} for c in assignment.rubric}
    chosen = {k: v for k, v in levels.items() if v in valid.get(k, ())}
    points, max_points = rubric_points(assignment, chosen)
    lowest = tuple(c.title for c in assignment.rubric if at_lowest(c, chosen.get(c.id)))
    decision = None
    if points is not None:
        decision = "approve" if rule.decides(chosen) else "return"
    return Suggestion(
        decision, points, max_points, lowest, rule.min_share, bool(rule.no_lowest_level)
    )


def save_draft(sub: Submission, assignment, mentor_id: int, draft: Draft, now: datetime) -> Review:
    """Keep the mentor's work in progress (needs the lease; flush only)."""
    if not leases.holds(sub.id, mentor_id, now):
        raise MentoringError("lease_lost")
    review = review_of(sub.id)
    if review is None:
        review = Review(submission_id=sub.id)
        db.session.add(review)
    if review.decided_at is not None:
        raise MentoringError("already_decided")
    valid = {c.id: {lv.id for lv in c.levels} for c in assignment.rubric}
    review.levels = {k: v for k, v in draft.levels.items() if v in valid.get(k, ())}
    review.points, review.max_points = rubric_points(assignment, review.levels)
    review.comment, review.private_note = draft.comment[:20_000], draft.private_note[:20_000]
    review.reason, review.new_due_on = draft.reason[:20_000], draft.new_due_on
    review.mentor_id, review.saved_at = mentor_id, now
    db.session.flush()
    return review


def decide(
    sub: Submission, module, mentor_id: int, decision: str, draft: Draft, now: datetime
) -> Review:
    """Approve, return for revision or comment; then recompute progress (ScoreEvent follows)."""
    if decision not in DECISIONS:
        raise MentoringError("bad_decision")
    if sub.state != SUBMITTED:
        raise MentoringError("not_submitted")
    review = save_draft(sub, module.assignment, mentor_id, draft, now)
    percent = None
    if review.max_points and review.points is not None:
        percent = round(100 * review.points / review.max_points, 2)
    if decision == "approve" and module.assignment.rubric and review.points is None:
        raise MentoringError("rubric_incomplete")
    if decision == "comment":
        sub.feedback = review.comment or None
    else:
        due = (
            datetime.combine(draft.new_due_on, time(23, 59), tzinfo=UTC)
            if draft.new_due_on
            else None
        )
        try:
            assignments.decide(
                sub,
                decision,
                mentor_id,
                now,
                feedback=review.comment or None,
                reason=draft.reason,
                score_percent=percent,
                due_at=due,
            )
        except assignments.AssignmentError as exc:
            raise MentoringError(exc.code) from exc
        review.decision, review.decided_at = decision, now
        progress.evaluate(sub.user_id, module, now)
        leases.release(sub.id, mentor_id)
    suggested = suggest(module.assignment, review.levels)
    rule_decision = suggested.decision if suggested is not None else None
    audit.record(
        mentor_id,
        f"grade.{decision}",
        f"submission:{sub.id}",
        now,
        details={
            "levels": review.levels,
            "points": review.points,
            "max_points": review.max_points,
            "score_percent": percent,
            "module": sub.module_slug,
            "learner": sub.user_id,
            # The rule is a default, not a lock: keep whether the mentor followed it.
            "rule_decision": rule_decision,
            "followed_rule": None if rule_decision is None else decision == rule_decision,
        },
        reason=draft.reason or None,
    )
    events.emit(events.DECIDED, sub.user_id, now, sub, actor_id=mentor_id, decision=decision,
                review=review)  # fmt: skip
    return review


def snippets(mentor_id: int) -> list[CommentSnippet]:
    """A mentor's saved comments."""
    return list(
        db.session.scalars(
            select(CommentSnippet).filter_by(mentor_id=mentor_id).order_by(CommentSnippet.id)
        )
    )


def add_snippet(mentor_id: int, text: str) -> CommentSnippet:
    """Save a reusable comment (flush only)."""
    text = (text or "").strip()
    if not text:
        raise MentoringError("empty_snippet")
    snippet = CommentSnippet(mentor_id=mentor_id, text=text[:5_000])
    db.session.add(snippet)
    db.session.flush()
    return snippet
