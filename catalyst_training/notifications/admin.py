"""What coordinators see of the messages sent in their scope: who (pseudonymised), what, how.

Never a message's content (it is not even stored) nor an address: kind, state, dates and the
server's answer for a refusal.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select

from ..core.models import aware
from ..extensions import db
from .models import NotificationMessage

M = NotificationMessage
Scope = tuple[int, ...] | None  # course runs; None: a local account's "every platform"


@dataclass(frozen=True)
class SentRow:
    """One line of the coordinator's list."""

    recipient: str
    audience: str
    state: str
    created_at: datetime | None
    delivered_at: datetime | None
    attempts: int
    reason: str | None
    status: int | None


def pseudonym(user_id: int) -> str:
    """A stable reference to a person that says nothing about them (keyed hash of the id)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"notify:{user_id}".encode(), hashlib.sha256).hexdigest()[:8]


def _scoped(query, scope: Scope, viewer_id: int):
    if scope is None:
        return query
    return query.where(or_(M.context_id.in_(scope), M.user_id == viewer_id))


def counts_by_state(scope: Scope, viewer_id: int) -> dict[str, int]:
    """Messages per state in the scope."""
    rows = db.session.execute(_scoped(select(M.state, func.count()).group_by(M.state), scope,
                                      viewer_id)).all()  # fmt: skip
    return dict(rows)


def sent(scope: Scope, viewer_id: int, limit: int = 200) -> list[SentRow]:
    """The latest messages of the scope, newest first (refusals keep the server's reason)."""
    query = _scoped(select(M).order_by(M.created_at.desc(), M.id.desc()).limit(limit), scope,
                    viewer_id)  # fmt: skip
    return [
        SentRow(
            recipient=pseudonym(m.user_id),
            audience=m.audience,
            state=m.state,
            created_at=aware(m.created_at),
            delivered_at=aware(m.delivered_at),
            attempts=m.attempts,
            reason=m.last_error if m.state in ("dead", "skipped", "pending") else None,
            status=m.response_status,
        )
        for m in db.session.scalars(query)
    ]
