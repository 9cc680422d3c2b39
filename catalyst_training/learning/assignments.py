"""Reflective assignments, learner side: drafts, attachments, submission, versions, decisions."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from ..core import events
from ..extensions import db
from .models import APPROVED, DRAFT, RETURNED, SUBMITTED, Submission

MAX_TEXT = 50_000
MIME = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
}


def upload_folder() -> Path:
    """Where attachments are stored (a shared directory when configured)."""
    configured = current_app.config.get("UPLOAD_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


class AssignmentError(Exception):
    """An assignment action refused, with a code the views turn into a message."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


# Mentoring fills this in its init_app: submission id -> {criterion id: level id} of the decision.
DECISION_LEVELS: dict[str, Callable[[int], Mapping[str, str]]] = {}


@dataclass(frozen=True)
class RubricLine:
    """One criterion of a decided submission as the learner reads it."""

    criterion: str
    level: str
    points: float
    max_points: float


def decided_rubric(submission: Submission | None, assignment) -> list[RubricLine]:
    """The rubric levels and points of the mentor's decision on this version (empty if none)."""
    source = DECISION_LEVELS.get("review")
    if submission is None or source is None or submission.state not in (APPROVED, RETURNED):
        return []
    chosen = source(submission.id)
    lines = []
    for criterion in getattr(assignment, "rubric", ()) or ():
        level = next((lv for lv in criterion.levels if lv.id == chosen.get(criterion.id)), None)
        if level is not None:
            lines.append(
                RubricLine(criterion.title, level.title, level.points, criterion.max_points)
            )
    return lines


def history(user_id: int, slug: str) -> list[Submission]:
    """Every version of a learner's work on a module, newest first."""
    return list(db.session.scalars(Submission.numbered(user_id, slug, newest_first=True)))


def latest(user_id: int, slug: str) -> Submission | None:
    """The newest version, or None."""
    return db.session.scalars(
        Submission.numbered(user_id, slug, newest_first=True).limit(1)
    ).first()


def editable_draft(user_id: int, slug: str, version_id: int) -> Submission:
    """The draft to write in: the current one, or a new version after a return for revision."""
    current = latest(user_id, slug)
    if current is not None and current.state == DRAFT:
        return current
    if current is not None and current.state in (SUBMITTED, APPROVED):
        raise AssignmentError("locked")
    draft = Submission(
        user_id=user_id,
        module_slug=slug,
        module_version_id=version_id,
        number=(current.number + 1) if current else 1,
        state=DRAFT,
        # A resubmission starts from the returned text: nothing the learner wrote is lost.
        text=current.text if current is not None else "",
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def save_draft(draft: Submission, text: str, now: datetime) -> None:
    """Keep the learner's text (autosave and the explicit save button)."""
    if draft.state != DRAFT:
        raise AssignmentError("locked")
    if len(text) > MAX_TEXT:
        raise AssignmentError("too_long", limit=MAX_TEXT)
    draft.text = text
    draft.updated_at = now


def attach(draft: Submission, upload: FileStorage, assignment, folder: Path) -> None:
    """Store an attachment after checking its type and size; replaces the previous one."""
    rules = assignment.attachment
    if not rules.get("allowed"):
        raise AssignmentError("no_attachment")
    name = secure_filename(upload.filename or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [t.lower() for t in rules.get("types", [])]
    if ext not in allowed:
        raise AssignmentError("bad_type", allowed=", ".join(allowed))
    data = upload.read(int(rules.get("max_mb", 5) * 1024 * 1024) + 1)
    if len(data) > rules.get("max_mb", 5) * 1024 * 1024:
        raise AssignmentError("too_big", max_mb=rules.get("max_mb", 5))
    if not data:
        raise AssignmentError("empty_file")
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}.{ext}"
    stored.write_bytes(data)
    if draft.attachment_path:
        (folder / Path(draft.attachment_path).name).unlink(missing_ok=True)
    draft.attachment_name, draft.attachment_path = name, stored.name
    draft.attachment_size, draft.attachment_type = (
        len(data),
        MIME.get(ext, "application/octet-stream"),
    )


def submit(draft: Submission, now: datetime) -> None:
    """Hand in a draft (text or attachment required)."""
    if draft.state != DRAFT:
        raise AssignmentError("locked")
    if not draft.text.strip() and not draft.attachment_path:
        raise AssignmentError("empty")
    draft.state, draft.submitted_at = SUBMITTED, now
    events.emit(events.SUBMITTED, draft.user_id, now, draft)


def decide(
    sub: Submission,
    decision: str,
    mentor_id: int,
    now: datetime,
    *,
    feedback: str | None = None,
    reason: str | None = None,
    score_percent: float | None = None,
    due_at: datetime | None = None,
) -> None:
    """A mentor approves or returns a submitted version (the mentoring domain calls this)."""
    if sub.state != SUBMITTED:
        raise AssignmentError("not_submitted")
    if decision == "approve":
        sub.state, sub.score_percent = APPROVED, score_percent
    elif decision == "return":
        if not (reason or "").strip():
            raise AssignmentError("reason_required")
        sub.state, sub.return_reason, sub.due_at = RETURNED, reason, due_at
    else:
        raise AssignmentError("bad_decision")
    sub.feedback, sub.decided_at, sub.decided_by_id = feedback, now, mentor_id
