"""Grading leases: one mentor per submission version at a time, claimed atomically."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from . import audit
from .models import GradingLease

LEASE_MINUTES = 15


def _ensure_row(submission_id: int) -> None:
    if db.session.get(GradingLease, submission_id) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.execute(insert(GradingLease).values(submission_id=submission_id))
    except IntegrityError:
        pass  # another mentor created it first: the conditional UPDATE decides


def claim(submission_id: int, mentor_id: int, now: datetime, minutes: int = LEASE_MINUTES) -> bool:
    """Take or renew the lease; False when another mentor holds an unexpired one."""
    _ensure_row(submission_id)
    result = db.session.execute(
        update(GradingLease)
        .where(
            GradingLease.submission_id == submission_id,
            or_(
                GradingLease.holder_id.is_(None),
                GradingLease.holder_id == mentor_id,
                GradingLease.expires_at < now,
            ),
        )
        .values(holder_id=mentor_id, expires_at=now + timedelta(minutes=minutes))
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return result.rowcount == 1


def renew(submission_id: int, mentor_id: int, now: datetime) -> bool:
    """Extend a lease the mentor still holds (heartbeat); False when it was lost."""
    result = db.session.execute(
        update(GradingLease)
        .where(
            GradingLease.submission_id == submission_id,
            GradingLease.holder_id == mentor_id,
            GradingLease.expires_at >= now,
        )
        .values(expires_at=now + timedelta(minutes=LEASE_MINUTES))
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return result.rowcount == 1


def holds(submission_id: int, mentor_id: int, now: datetime) -> bool:
    """True when the mentor holds an unexpired lease."""
    lease = current(submission_id, now)
    return lease is not None and lease.holder_id == mentor_id


def current(submission_id: int, now: datetime) -> GradingLease | None:
    """The unexpired lease of a submission, or None."""
    return db.session.scalar(
        select(GradingLease).where(
            GradingLease.submission_id == submission_id,
            GradingLease.holder_id.is_not(None),
            GradingLease.expires_at >= now,
        )
    )


def release(submission_id: int, mentor_id: int) -> None:
    """Give a lease back (after a decision)."""
    db.session.execute(
        update(GradingLease)
        .where(GradingLease.submission_id == submission_id, GradingLease.holder_id == mentor_id)
        .values(holder_id=None, expires_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()


def break_lease(submission_id: int, actor_id: int, reason: str, now: datetime) -> int | None:
    """A coordinator frees a lease held by someone else (audited); returns the former holder."""
    lease = current(submission_id, now)
    if lease is None:
        return None
    holder = lease.holder_id
    lease.holder_id, lease.expires_at = None, None
    audit.record(
        actor_id,
        "lease.break",
        f"submission:{submission_id}",
        now,
        details={"holder": holder},
        reason=reason or None,
    )
    return holder
