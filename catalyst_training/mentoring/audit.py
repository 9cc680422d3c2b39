"""The append-only audit log of grades, overrides, moves and lease breaks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import false, or_, select

from ..extensions import db
from ..learning.models import Submission
from .models import AuditEntry, Cohort, CohortMember


def record(
    actor_id: int | None,
    action: str,
    target: str,
    now: datetime,
    *,
    details: dict[str, Any] | None = None,
    reason: str | None = None,
    context_pk: int | None = None,
) -> AuditEntry:
    """Append one entry (flush only), filed under its course run (given, or found from target)."""
    entry = AuditEntry(
        actor_id=actor_id,
        context_id=context_pk if context_pk is not None else context_of(target, details or {}),
        action=action,
        target=target,
        at=now,
        details=details or {},
        reason=reason,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def context_of(target: str, details: dict[str, Any]) -> int | None:
    """The course run a target belongs to: a cohort's, a submission's learner's, a placement's."""
    kind, _sep, raw = target.partition(":")
    pk = int(raw) if raw.isdigit() else None
    if kind == "context":
        return pk
    if kind == "user" and isinstance(details.get("to"), int):
        kind, pk = "cohort", details["to"]
    if kind == "cohort" and pk is not None:
        return db.session.scalar(select(Cohort.context_id).where(Cohort.id == pk))
    if kind == "submission" and pk is not None:
        return db.session.scalar(
            select(Cohort.context_id)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .join(Submission, Submission.user_id == CohortMember.user_id)
            .where(Submission.id == pk)
            .limit(1)
        )
    return None


def entries(
    scope: tuple[int, ...] | None,
    reader_id: int | None = None,
    target_prefix: str | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """Latest entries of the reader's course runs (scope None: all tenants) and their own."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if scope is not None:
        mine = AuditEntry.actor_id == reader_id if reader_id is not None else false()
        query = query.where(or_(AuditEntry.context_id.in_(scope or (-1,)), mine))
    if target_prefix:
        query = query.where(AuditEntry.target.startswith(target_prefix))
    return list(db.session.scalars(query))
