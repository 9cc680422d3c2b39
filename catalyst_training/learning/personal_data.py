"""What learning stores about a person: views, attempts, work, progress, self-assessments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import delete, func, select, update

from ..auth import personal_data
from ..auth.models import User
from ..auth.personal_data import Subjects, as_record
from ..extensions import db
from .assignments import upload_folder
from .models import (
    LessonView,
    ModuleProgress,
    QuizAttempt,
    ScoreEvent,
    SelfAssessmentResult,
    Submission,
)

OWNED = (
    ("lesson_views", LessonView),
    ("quiz_attempts", QuizAttempt),
    ("submissions", Submission),
    ("progress", ModuleProgress),
    ("score_events", ScoreEvent),
    ("self_assessments", SelfAssessmentResult),
)


def init_app(app: Flask) -> None:
    """Register learning's export and erasure with the personal-data registry."""
    personal_data.register(app, "learning", export_person, erase_people, count_people)


def export_person(user: User) -> dict[str, Any]:
    """The person's lesson views, quiz attempts, submissions, progress and score events."""
    data: dict[str, Any] = {}
    for name, model in OWNED:
        rows = db.session.scalars(select(model).where(model.user_id == user.id).order_by(model.id))
        data[name] = [as_record(row) for row in rows]
    decided = db.session.scalars(
        select(Submission.id).where(Submission.decided_by_id == user.id).order_by(Submission.id)
    )
    # Work of other learners they decided on: the ids only (the work is the others' data).
    data["decided_submission_ids"] = list(decided)
    return data


def attachment_files(user_ids: list[int]) -> list[Path]:
    """The attachment files on disk of these people's submissions (drafts included)."""
    folder = upload_folder()
    stored = db.session.scalars(
        select(Submission.attachment_path).where(
            Submission.user_id.in_(user_ids), Submission.attachment_path.is_not(None)
        )
    )
    return [folder / Path(name).name for name in stored if name]


def erase_people(subjects: Subjects) -> None:
    """Delete the people's learning rows; collect their attachment files for after the commit."""
    ids = subjects.user_ids
    subjects.files.extend(attachment_files(ids))
    for name, model in reversed(OWNED):
        result = db.session.execute(
            delete(model).where(model.user_id.in_(ids)).execution_options(synchronize_session=False)
        )
        subjects.add(f"learning.{name}", result.rowcount)
    decided = db.session.execute(
        update(Submission)
        .where(Submission.decided_by_id.in_(ids))
        .values(decided_by_id=None)
        .execution_options(synchronize_session=False)
    )
    subjects.add("learning.decisions_anonymised", decided.rowcount)


def count_people(user_ids: list[int]) -> dict[str, int]:
    """Learning rows and attachment files held about these people."""
    counts = {}
    for name, model in OWNED:
        counts[name.replace("_", " ")] = db.session.scalar(
            select(func.count()).select_from(model).where(model.user_id.in_(user_ids))
        )
    counts["attachment files"] = len(attachment_files(user_ids))
    return counts
