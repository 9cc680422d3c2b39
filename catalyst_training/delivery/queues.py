"""Further queues of the outbox (learning records, messages), worked by the one worker.

Grade deliveries have their own table and claim logic (outbox.py). Any later outbound record
(xAPI statements to an LRS, email to a person) keeps its rows in a table of its own with the
columns of `models.OutboxColumns`, and registers here a `run_batch(worker, clock)` that claims
due rows with `claim`, sends them, and records each outcome with `finish`. The worker calls every
registered queue after the grade batch, so one process delivers everything, with the same
backoff, dead letters and claim leases.

A domain whose rows must not grow forever registers a purge with `register_upkeep`: the worker's
hourly upkeep runs it after its own retention steps.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, or_, update

from ..core.claims import claim_rows
from ..core.clock import Clock, clock_of
from ..extensions import db
from .models import DEAD, DELIVERED, IN_FLIGHT, PENDING
from .transports import DeliveryError

log = logging.getLogger(__name__)
RunBatch = Callable[[str, Clock], Counter]
QUEUES: dict[str, RunBatch] = {}
Upkeep = Callable[[datetime], int]
UPKEEP: dict[str, Upkeep] = {}


def register_queue(name: str, run_batch: RunBatch) -> None:
    """Have the worker run `run_batch` of queue `name` at every round (from an init_app)."""
    QUEUES[name] = run_batch


def register_upkeep(name: str, fn: Upkeep) -> None:
    """Have the worker's upkeep run `fn(now)` (rows purged) as step `name` (from an init_app)."""
    UPKEEP[name] = fn


def run_queues(worker: str, clock: Clock) -> Counter:
    """One batch of every registered queue; a failing queue never stops the others."""
    counts: Counter = Counter()
    for name, run_batch in list(QUEUES.items()):
        try:
            for state, n in run_batch(worker, clock).items():
                counts[f"{name}_{state}"] += n
        except Exception:
            log.exception("outbox queue %s: batch failed", name)
            db.session.rollback()
    return counts


def due(model: Any, now: datetime):
    """Rows ready to send: pending and due, or in flight with an expired claim."""
    return or_(
        and_(model.state == PENDING, model.next_attempt_at <= now),
        and_(model.state == IN_FLIGHT, model.claimed_until < now),
    )


def claim(model: Any, ready: Any, worker: str, limit: int, now: datetime) -> list[int]:
    """Ids of up to `limit` rows of `model` matching `ready`, now in flight for `worker`."""
    seconds = float(current_app.config["OUTBOX_CLAIM_SECONDS"])
    values = {
        "state": IN_FLIGHT,
        "claimed_by": worker,
        "claimed_until": now + timedelta(seconds=seconds),
        "attempts": model.attempts + 1,
    }
    return claim_rows(model, ready, (model.next_attempt_at, model.id), values, limit)


def backoff_seconds(attempts: int) -> float:
    """The retry delay after `attempts` failed attempts (exponential, jittered, capped)."""
    from .worker import backoff  # the worker owns the formula shared with grade deliveries

    config = current_app.config
    return backoff(
        attempts, float(config["OUTBOX_BACKOFF_BASE"]), float(config["OUTBOX_BACKOFF_MAX"])
    )


def failed(exc: DeliveryError, attempts: int, clock: Clock | None = None) -> dict[str, Any]:
    """The values recording a failed attempt: retried later, or dead when permanent or spent."""
    clock = clock or clock_of()
    values: dict[str, Any] = {"last_error": str(exc)[:2000], "response_status": exc.status}
    max_attempts = int(float(current_app.config["OUTBOX_MAX_ATTEMPTS"]))
    if exc.permanent or attempts >= max_attempts:
        if not exc.permanent:
            values["last_error"] = f"gave up after {attempts} attempts: {exc}"[:2000]
        return {**values, "state": DEAD}
    if exc.retry_after is not None:
        delay = min(exc.retry_after, float(current_app.config["OUTBOX_BACKOFF_MAX"]))
    else:
        delay = backoff_seconds(attempts)
    return {**values, "state": PENDING, "next_attempt_at": clock.now() + timedelta(seconds=delay)}


def delivered(clock: Clock | None = None, status: int | None = None) -> dict[str, Any]:
    """The values recording a successful delivery."""
    now = (clock or clock_of()).now()
    return {"state": DELIVERED, "delivered_at": now, "response_status": status, "last_error": None}


def finish(model: Any, worker: str, ids: list[int], values: dict[str, Any], now: datetime) -> int:
    """Record one outcome for rows still claimed by `worker`; how many were recorded."""
    if not ids:
        return 0
    values = {**values, "claimed_by": None, "claimed_until": None, "updated_at": now}
    result = db.session.execute(
        update(model)
        .where(model.id.in_(ids), model.claimed_by == worker, model.state == IN_FLIGHT)
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)
