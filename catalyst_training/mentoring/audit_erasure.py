"""Erased people in the append-only audit log: the entry stays, the person's identity goes.

The decision trail (who decided, what, when, in which course run) is kept; references to the
erased person (actor, `user:<id>` / `submission:<id>` targets, learner/holder/mentor details)
become "erased", and their name, email or sub is scrubbed from the free text of every entry.
This is the one place that rewrites audit rows, through Core statements (the ORM refuses).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select, update

from ..auth.personal_data import ERASED, Subjects, plain
from ..extensions import db
from ..learning.models import Submission
from .models import AuditEntry

PERSON_KEYS = ("learner", "holder", "mentor", "user", "user_id", "actor")
PAGE = 1000
T = AuditEntry.__table__


def _pattern(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _scrub(value: Any, pattern: re.Pattern[str] | None) -> Any:
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub("[erased]", value)
    if isinstance(value, list):
        return [_scrub(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern) for k, v in value.items()}
    return value


def _targets(user_ids: list[int]) -> set[str]:
    submissions = db.session.scalars(select(Submission.id).where(Submission.user_id.in_(user_ids)))
    return {f"user:{i}" for i in user_ids} | {f"submission:{s}" for s in submissions}


def _is_person(value: Any, ids: set[int]) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in ids


def _related(row: Any, ids: set[int], targets: set[str]) -> bool:
    details = row.details if isinstance(row.details, dict) else {}
    return (
        row.actor_id in ids
        or row.target in targets
        or any(_is_person(details.get(key), ids) for key in PERSON_KEYS)
    )


def _pages() -> Iterator[list[Any]]:
    last = 0
    while True:
        rows = db.session.execute(
            select(T.c.id, T.c.actor_id, T.c.target, T.c.details, T.c.reason)
            .where(T.c.id > last)
            .order_by(T.c.id)
            .limit(PAGE)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def entries_about(user_id: int, limit: int = 10_000) -> list[dict[str, Any]]:
    """Audit entries by or about one person (their access request), oldest first."""
    ids, targets = {user_id}, _targets([user_id])
    found = []
    for rows in _pages():
        found.extend(row.id for row in rows if _related(row, ids, targets))
    found = found[-limit:]
    return [
        {c: plain(v) for c, v in row._mapping.items()}
        for row in db.session.execute(select(T).where(T.c.id.in_(found)).order_by(T.c.id))
    ]


def anonymise(subjects: Subjects) -> None:
    """Rewrite the audit entries that identify these people (flush only, no row removed)."""
    ids, targets = set(subjects.user_ids), _targets(subjects.user_ids)
    strong = _pattern(subjects.identifiers)
    weak = _pattern(subjects.identifiers + subjects.names)
    changed = 0
    for rows in _pages():
        for row in rows:
            values = _anonymised(row, ids, targets, strong, weak)
            if values:
                db.session.execute(update(T).where(T.c.id == row.id).values(**values))
                changed += 1
    subjects.add("mentoring.audit_entries_anonymised", changed)


def _anonymised(row, ids, targets, strong, weak) -> dict[str, Any]:
    related = _related(row, ids, targets)
    pattern = weak if related else strong
    details = dict(row.details) if isinstance(row.details, dict) else {}
    new: dict[str, Any] = {}
    if row.actor_id in ids:
        new["actor_id"] = None
        details["actor"] = ERASED
    if row.target in targets:
        new["target"] = row.target.split(":", 1)[0] + ":" + ERASED
    for key in PERSON_KEYS:
        if _is_person(details.get(key), ids):
            details[key] = ERASED
    details = _scrub(details, pattern)
    if details != row.details:
        new["details"] = details
    reason = _scrub(row.reason, pattern)
    if reason != row.reason:
        new["reason"] = reason
    return new
