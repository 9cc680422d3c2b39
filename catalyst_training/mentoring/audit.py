"""The append-only audit log of grades, overrides, moves and lease breaks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import false, or_, select

from ..auth.models import Context, User
from ..content.loader import load_programme
from ..extensions import db
from ..learning.models import Submission
from .models import AuditEntry, Cohort, CohortMember, Territory


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


@dataclass(frozen=True)
class AuditRow:
    """An entry as a person reads it: names and titles, not internal ids."""

    at: datetime
    actor: str
    action: str
    target: str
    reason: str | None


def _labels(kind: str, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    if kind == "user":
        return {
            u.id: u.display_name for u in db.session.scalars(select(User).where(User.id.in_(ids)))
        }
    if kind == "cohort":
        return dict(
            db.session.execute(select(Cohort.id, Cohort.name).where(Cohort.id.in_(ids))).all()
        )
    if kind == "territory":
        rows = select(Territory.id, Territory.name).where(Territory.id.in_(ids))
        return dict(db.session.execute(rows).all())
    if kind == "context":
        rows = db.session.scalars(select(Context).where(Context.id.in_(ids)))
        return {c.id: c.title or c.context_id for c in rows}
    if kind == "submission":
        rows = db.session.execute(
            select(Submission.id, Submission.module_slug, User)
            .join(User, User.id == Submission.user_id)
            .where(Submission.id.in_(ids))
        ).all()
        root = current_app.config["CONTENT_PATH"]
        titles = {m.slug: m.title for m in load_programme(root)}
        return {sid: f"{user.display_name} — {titles.get(slug, slug)}" for sid, slug, user in rows}
    return {}


def describe(entries: list[AuditEntry]) -> list[AuditRow]:
    """Entries with the actor's name and the target's name or title (bulk, a query per kind)."""
    wanted: dict[str, set[int]] = {"user": {e.actor_id for e in entries if e.actor_id}}
    for entry in entries:
        kind, _sep, raw = entry.target.partition(":")
        if raw.isdigit():
            wanted.setdefault(kind, set()).add(int(raw))
    labels = {kind: _labels(kind, ids) for kind, ids in wanted.items()}
    rows = []
    for entry in entries:
        kind, _sep, raw = entry.target.partition(":")
        target = labels.get(kind, {}).get(int(raw)) if raw.isdigit() else None
        actor = labels["user"].get(entry.actor_id) if entry.actor_id else None
        rows.append(
            AuditRow(entry.at, actor or "—", entry.action, target or entry.target, entry.reason)
        )
    return rows
