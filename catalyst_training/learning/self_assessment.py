"""The alliance-maturity self-assessment: taken at the start (module 01) and the end (module 07).

Each taking is a new row (nothing is replaced silently); pages show the latest of each phase.
It counts neither towards completion nor towards grades: nothing here touches progress.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from .models import SelfAssessmentResult

START, END = "start", "end"
PHASES = (START, END)


class SelfAssessmentError(ValueError):
    """A taking that cannot be recorded (code says why)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Row:
    """One dimension with the level of the latest start and end takings (None: not taken)."""

    dimension: object
    start: object | None
    end: object | None

    @property
    def change(self) -> int | None:
        """Levels gained between start and end (negative: lost); None until both exist."""
        if self.start is None or self.end is None:
            return None
        return self.end.value - self.start.value


def _scoped(user_id: int, context_id: int | None):
    query = select(SelfAssessmentResult).where(SelfAssessmentResult.user_id == user_id)
    if context_id is None:
        return query.where(SelfAssessmentResult.context_id.is_(None))
    return query.where(SelfAssessmentResult.context_id == context_id)


def record(
    user_id: int,
    context_id: int | None,
    phase: str,
    answers: Mapping[str, int],
    assessment,
    now: datetime,
) -> SelfAssessmentResult:
    """Keep one taking: a valid level for every dimension of the assessment (flush only)."""
    if phase not in PHASES:
        raise SelfAssessmentError("bad_phase")
    kept = {}
    for dimension in assessment.dimensions:
        value = answers.get(dimension.id)
        if value not in {level.value for level in dimension.levels}:
            raise SelfAssessmentError("incomplete")
        kept[dimension.id] = int(value)
    row = SelfAssessmentResult(
        user_id=user_id, context_id=context_id, phase=phase, answers=kept, taken_at=now
    )
    db.session.add(row)
    db.session.flush()
    return row


def takings(user_id: int, context_id: int | None) -> list[SelfAssessmentResult]:
    """Every taking of a learner in a course run, newest first."""
    query = _scoped(user_id, context_id).order_by(
        SelfAssessmentResult.taken_at.desc(), SelfAssessmentResult.id.desc()
    )
    return list(db.session.scalars(query))


def latest(rows: Sequence[SelfAssessmentResult]) -> dict[str, SelfAssessmentResult]:
    """The newest taking of each phase among rows given newest first."""
    found: dict[str, SelfAssessmentResult] = {}
    for row in rows:
        found.setdefault(row.phase, row)
    return found


def side_by_side(assessment, newest: Mapping[str, SelfAssessmentResult]) -> list[Row]:
    """Each dimension with its start and end levels (a level whose value is no longer: None)."""

    def level(dimension, phase):
        row = newest.get(phase)
        value = (row.answers or {}).get(dimension.id) if row is not None else None
        return next((lv for lv in dimension.levels if lv.value == value), None)

    return [Row(d, level(d, START), level(d, END)) for d in assessment.dimensions]
