"""Roster syncs as background jobs: the web queues one, the worker runs it, the mentor sees it.

A job is claimed like a grade delivery (SKIP LOCKED on PostgreSQL, a conditional UPDATE on
SQLite) for a while that each fetched page renews; a worker that dies leaves a claim that runs
out, and the job is taken again (at most MAX_ATTEMPTS times). One course run never has two jobs
running at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.orm import aliased

from ..auth.models import Context
from ..core.claims import claim_rows
from ..core.clock import Clock
from ..core.outbound import shown
from ..extensions import db
from .models import ROSTER_DONE, ROSTER_FAILED, ROSTER_PENDING, ROSTER_RUNNING, RosterJob
from .roster import RosterError, sync_roster

log = logging.getLogger(__name__)
J = RosterJob
MAX_ATTEMPTS = 3
KEEP_DAYS = 30  # finished jobs are deleted after this (the page shows the latest one)
ERROR_CHARS = 300
INTERNAL = "internal"  # error_kind of a failure that is ours, not the platform's
LOST = "lost_claim"
_wake: list[Callable[[], None]] = []


class ClaimLost(Exception):
    """Another worker took the job over: this one's claim ran out."""


def on_new_job(callback: Callable[[], None]) -> None:
    """Have `callback` called when a job is queued (the worker wakes up); idempotent."""
    if callback not in _wake:
        _wake.append(callback)


def notify() -> None:
    """Wake the waiting workers of this process (call after the commit that queued a job)."""
    for callback in list(_wake):
        callback()


def request_sync(context: Context, user_id: int | None, now: datetime) -> tuple[RosterJob, bool]:
    """The course run's job still waiting, or a new one; (job, created). Flush only."""
    waiting = db.session.scalars(
        select(J).where(J.context_id == context.id, J.state == ROSTER_PENDING).order_by(J.id)
    ).first()
    if waiting is not None:
        return waiting, False
    job = RosterJob(
        platform_id=context.platform_id,
        context_id=context.id,
        requested_by=user_id,
        state=ROSTER_PENDING,
        created_at=now,
        updated_at=now,
    )
    db.session.add(job)
    db.session.flush()
    return job, True


def latest_job(context_pk: int) -> RosterJob | None:
    """The course run's most recent job, whatever its state."""
    return db.session.scalars(
        select(J).where(J.context_id == context_pk).order_by(J.id.desc()).limit(1)
    ).first()


def _ready(now: datetime):
    sibling = aliased(RosterJob)
    busy = exists().where(
        sibling.context_id == J.context_id,
        sibling.state == ROSTER_RUNNING,
        sibling.claimed_until >= now,
        sibling.id != J.id,
    )
    due = or_(J.state == ROSTER_PENDING, and_(J.state == ROSTER_RUNNING, J.claimed_until < now))
    return and_(due, ~busy)


def claim_job(worker: str, claim_seconds: float, now: datetime) -> int | None:
    """Claim the oldest due job for this worker; its id, or None (flush only)."""
    values = {
        "state": ROSTER_RUNNING,
        "claimed_by": worker,
        "claimed_until": now + timedelta(seconds=claim_seconds),
        "attempts": J.attempts + 1,
        "started_at": now,
    }
    claimed = claim_rows(J, _ready(now), (J.id,), values, 1)
    return claimed[0] if claimed else None


def _record(job_id: int, worker: str, values: dict[str, Any]) -> bool:
    """Write to the job only while this worker holds its claim."""
    result = db.session.execute(
        update(J)
        .where(J.id == job_id, J.claimed_by == worker, J.state == ROSTER_RUNNING)
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


def run_job(
    job_id: int, worker: str, clock: Clock, claim_seconds: float, commit: Callable[[], None]
) -> str:
    """Sync the claimed job's course run; progress is committed page by page; the final state.

    The members are applied and the result recorded in one transaction; any failure is recorded
    as a kind (unreachable, refused, invalid, setup, internal) and a short detail.
    """
    job = db.session.get(J, job_id)
    context = db.session.get(Context, job.context_id) if job is not None else None
    if job is None or context is None:
        return LOST
    attempts = job.attempts

    def progress(pages: int, members: int) -> None:
        until = clock.now() + timedelta(seconds=claim_seconds)
        if not _record(
            job_id, worker, {"pages": pages, "members": members, "claimed_until": until}
        ):
            raise ClaimLost(job_id)
        commit()

    try:
        if attempts > MAX_ATTEMPTS:
            raise RosterError(f"gave up after {MAX_ATTEMPTS} interrupted attempts", INTERNAL)
        report = sync_roster(context, clock.now(), progress=progress)
    except ClaimLost:
        db.session.rollback()
        log.warning("roster job %s: claim lost to another worker", job_id)
        return LOST
    except RosterError as exc:
        db.session.rollback()
        log.warning("roster job %s failed (%s): %s", job_id, exc.kind, exc)
        values: dict[str, Any] = {"state": ROSTER_FAILED, "error_kind": exc.kind,
                                  "error": shown(str(exc), ERROR_CHARS)}  # fmt: skip
    except Exception as exc:  # a bug must not stop the worker, nor leave the job running
        db.session.rollback()
        log.exception("roster job %s failed unexpectedly", job_id)
        values = {"state": ROSTER_FAILED, "error_kind": INTERNAL, "error": type(exc).__name__}
    else:
        values = {"state": ROSTER_DONE, "pages": report.pages, "members": report.members,
                  "added": report.created, "deactivated": report.deactivated,
                  "error_kind": None, "error": None}  # fmt: skip
    values.update(finished_at=clock.now(), claimed_by=None, claimed_until=None)
    if not _record(job_id, worker, values):
        db.session.rollback()  # the members are applied by whoever holds the job now
        return LOST
    commit()
    return str(values["state"])


def purge_finished_jobs(cutoff: datetime) -> int:
    """Delete done or failed jobs that finished before `cutoff`; how many (flush only)."""
    result = db.session.execute(
        delete(J).where(J.state.in_((ROSTER_DONE, ROSTER_FAILED)), J.finished_at < cutoff),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount or 0
