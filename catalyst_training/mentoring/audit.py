"""The append-only audit log of grades, overrides, moves and lease breaks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..extensions import db
from .models import AuditEntry


def record(
    actor_id: int | None,
    action: str,
    target: str,
    now: datetime,
    *,
    details: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Append one entry (flush only)."""
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        target=target,
        at=now,
        details=details or {},
        reason=reason,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries(target_prefix: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """Latest entries, optionally for targets starting with a prefix ("submission:12")."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if target_prefix:
        query = query.where(AuditEntry.target.startswith(target_prefix))
    return list(db.session.scalars(query))
