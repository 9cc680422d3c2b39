"""The worker: sends due grade deliveries, runs roster sync jobs, and applies retention hourly."""

from __future__ import annotations

import functools
import logging
import os
import random
import socket
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import bindparam, update

from ..core.clock import Clock, clock_of
from ..extensions import db
from ..lti import jobs, nonces, retention
from . import admin
from .models import DEAD, DELIVERED, IN_FLIGHT, PENDING, GradeDelivery
from .outbox import Job, claim, new_work
from .queues import UPKEEP, run_queues
from .transports import DeliveryError, transport_for

log = logging.getLogger(__name__)
T = GradeDelivery


def new_worker_id() -> str:
    """A name unique to this worker: host, process and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def backoff(attempts: int, base: float, cap: float) -> float:
    """Exponential backoff with jitter: between half and all of min(cap, base * 2^(n-1))."""
    ceiling = min(cap, base * 2 ** max(0, attempts - 1))
    return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security


def _outcome(job: Job, clock: Clock) -> dict:
    try:
        status, lineitem = transport_for(job.mode)(job)
    except DeliveryError as exc:
        values = {"last_error": str(exc)[:2000], "response_status": exc.status,
                  "response_body": exc.body}  # fmt: skip
        max_attempts = int(float(current_app.config["OUTBOX_MAX_ATTEMPTS"]))
        if exc.permanent or job.attempts >= max_attempts:
            if not exc.permanent:
                values["last_error"] = f"gave up after {job.attempts} attempts: {exc}"[:2000]
            log.warning("grade delivery %s dead: %s", job.id, values["last_error"])
            return {**values, "state": DEAD}
        if exc.retry_after is not None:
            delay = min(exc.retry_after, float(current_app.config["OUTBOX_BACKOFF_MAX"]))
        else:
            delay = backoff(job.attempts, float(current_app.config["OUTBOX_BACKOFF_BASE"]),
                            float(current_app.config["OUTBOX_BACKOFF_MAX"]))  # fmt: skip
        due = clock.now() + timedelta(seconds=delay)
        return {**values, "state": PENDING, "next_attempt_at": due}
    except Exception as exc:  # a bug must not stop the other deliveries
        log.exception("grade delivery %s failed unexpectedly", job.id)
        delay = backoff(job.attempts, float(current_app.config["OUTBOX_BACKOFF_BASE"]), 3600)
        return {"state": PENDING, "last_error": f"{type(exc).__name__}: {exc}"[:2000],
                "next_attempt_at": clock.now() + timedelta(seconds=delay)}  # fmt: skip
    return {"state": DELIVERED, "delivered_at": clock.now(), "response_status": status,
            "response_body": None, "last_error": None, "lineitem_url": lineitem}  # fmt: skip


_finish_statements: dict[tuple[str, ...], Any] = {}


def finish(worker: str, job_id: int, values: dict, now: datetime | None = None) -> bool:
    """Record an outcome, only if this worker still holds the claim."""
    now = now or clock_of().now()
    values = {**values, "claimed_by": None, "claimed_until": None, "updated_at": now}
    names = tuple(sorted(values))
    stmt = _finish_statements.get(names)
    if stmt is None:  # one compiled statement per outcome shape
        stmt = (
            update(T)
            .where(T.id == bindparam("f_id"), T.claimed_by == bindparam("f_worker"))
            .where(T.state == IN_FLIGHT)
            .values({name: bindparam(f"v_{name}") for name in names})
        )
        _finish_statements[names] = stmt
    params = {f"v_{name}": value for name, value in values.items()}
    result = db.session.execute(
        stmt,
        {**params, "f_id": job_id, "f_worker": worker},
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


_pools: dict[int, ThreadPoolExecutor] = {}


def _deliver_all(jobs: list[Job], clock: Clock) -> list[dict]:
    """Outcomes of a batch, sent by OUTBOX_CONCURRENCY threads (pooled keep-alive sessions)."""
    size = int(float(current_app.config["OUTBOX_CONCURRENCY"]))
    if size <= 1 or len(jobs) <= 1:
        return [_outcome(job, clock) for job in jobs]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    pool = _pools.get(size)
    if pool is None:
        pool = _pools[size] = ThreadPoolExecutor(size, thread_name_prefix="catalyst-ags")

    def one(job: Job) -> dict:
        with app.app_context():
            try:
                return _outcome(job, clock)
            finally:
                db.session.remove()

    return list(pool.map(one, jobs))


def run_batch(worker: str, limit: int | None = None, *, clock: Clock | None = None) -> Counter:
    """Claim and deliver one batch; commit the claims, then the outcomes."""
    clock = clock or clock_of()
    limit = limit or int(float(current_app.config["OUTBOX_BATCH"]))
    claim_seconds = float(current_app.config["OUTBOX_CLAIM_SECONDS"])
    jobs = claim(worker, limit, claim_seconds, now=clock.now())
    db.session.commit()  # claims are visible to other workers before any HTTP call
    counts: Counter = Counter()
    try:
        outcomes = list(zip(jobs, _deliver_all(jobs, clock), strict=True))
        db.session.rollback()  # no transaction stays open while the rows are recorded
        for job, values in outcomes:
            if finish(worker, job.id, values, now=clock.now()):
                counts[values["state"]] += 1
            else:
                counts["lost_claim"] += 1
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return counts


def run_roster_job(worker: str, *, clock: Clock | None = None) -> Counter:
    """Claim one due roster sync job and run it; {"roster_<state>": 1}, or nothing."""
    clock = clock or clock_of()
    claim_seconds = float(current_app.config["OUTBOX_CLAIM_SECONDS"])
    job_id = jobs.claim_job(worker, claim_seconds, clock.now())
    db.session.commit()
    if job_id is None:
        return Counter()
    state = jobs.run_job(job_id, worker, clock, claim_seconds, db.session.commit)
    return Counter({f"roster_{state}": 1})


def _days_ago(now: datetime, name: str, unit: str = "days") -> datetime | None:
    amount = float(current_app.config.get(name) or 0)
    return now - timedelta(**{unit: amount}) if amount > 0 else None


def upkeep(clock: Clock | None = None) -> Counter:
    """Apply the retention settings and remove stale registrations; what was purged, by kind."""
    clock = clock or clock_of()
    now = clock.now()
    launch_cutoff = _days_ago(now, "RETENTION_LAUNCH_DATA_DAYS")
    body_cutoff = _days_ago(now, "RETENTION_DELIVERY_DAYS")
    registration_cutoff = _days_ago(now, "REGISTRATION_EXPIRY_HOURS", "hours")
    steps = {
        "nonces": lambda: nonces.purge_expired_nonces(now),
        "cache_entries": lambda: nonces.purge_expired_cache(now),
        "launch_data": lambda: retention.purge_launch_data(launch_cutoff) if launch_cutoff else 0,
        "delivery_bodies": lambda: admin.purge_bodies(body_cutoff) if body_cutoff else 0,
        "roster_jobs": lambda: jobs.purge_finished_jobs(now - timedelta(days=jobs.KEEP_DAYS)),
        "registrations": lambda: (
            retention.remove_stale_registrations(registration_cutoff, now)
            if registration_cutoff
            else 0
        ),
    }
    # Purges of higher layers (registered with queues.register_upkeep), after ours.
    for name, fn in UPKEEP.items():
        steps.setdefault(name, functools.partial(fn, now))
    counts: Counter = Counter()
    for name, step in steps.items():
        try:
            counts[name] += step()
            db.session.commit()
        except Exception:  # one failing purge must not stop the others nor the worker
            log.exception("worker upkeep: %s failed", name)
            db.session.rollback()
    if +counts:
        log.info("worker upkeep: %s", ", ".join(f"{k} {v}" for k, v in sorted((+counts).items())))
    return +counts


def run(
    stop: threading.Event,
    *,
    once: bool = False,
    worker: str | None = None,
    clock: Clock | None = None,
) -> Counter:
    """Deliver and run roster jobs until `stop` is set (or, with once, until nothing is due).

    Upkeep (retention, stale registrations) runs at start, then every WORKER_UPKEEP_SECONDS.
    """
    clock = clock or clock_of()
    worker = worker or new_worker_id()
    poll = float(current_app.config["WORKER_POLL_SECONDS"])
    every = float(current_app.config.get("WORKER_UPKEEP_SECONDS") or 0)
    next_upkeep = clock.now()
    jobs.on_new_job(new_work.set)
    total: Counter = Counter()
    while not stop.is_set():
        if every > 0 and clock.now() >= next_upkeep:
            upkeep(clock)
            next_upkeep = clock.now() + timedelta(seconds=every)
        try:
            counts = run_batch(worker, clock=clock)
            counts.update(run_roster_job(worker, clock=clock))
            counts.update(run_queues(worker, clock))
        except Exception:
            log.exception("grade delivery worker: batch failed")
            db.session.rollback()
            counts = Counter()
            if once:
                raise
        total.update(counts)
        if counts:
            continue
        if once:
            break
        clock.wait(new_work, poll)
        new_work.clear()
    return total


def in_process_enabled(app: Flask) -> bool:
    """CATALYST_WORKER_IN_PROCESS, defaulting to true on SQLite (the embedded setup)."""
    value = app.config.get("WORKER_IN_PROCESS")
    if value is None:
        return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    return bool(value)


def start_in_process(app: Flask) -> threading.Thread | None:
    """Start the worker in a daemon thread of `serve`, when enabled."""
    if not in_process_enabled(app):
        return None
    stop = threading.Event()

    def target() -> None:
        with app.app_context():
            run(stop)

    thread = threading.Thread(target=target, name="catalyst-grade-worker", daemon=True)
    thread.start()
    app.extensions["catalyst_worker"] = (thread, stop)
    log.info("grade delivery worker running in process")
    return thread
