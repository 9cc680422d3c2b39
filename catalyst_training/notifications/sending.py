"""The "mail" queue of the outbox: schedule due digests, claim them, build, send, record.

Registered with delivery.queues: the worker calls `run_batch` at each round after the grade
deliveries. Events are attached to their message (and the Message-ID fixed) at the first claim
and committed before anything is sent: a retry sends the same events under the same Message-ID,
and an event is never told twice.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update

from ..core.clock import Clock, clock_of
from ..delivery import queues
from ..delivery.transports import DeliveryError
from ..extensions import db
from . import digests, scans
from .consent import new_events
from .languages import languages_for
from .messages import email_of, flatten, new_message_id
from .models import SKIPPED, NotificationEvent, NotificationMessage
from .schedule import schedule
from .smtp import parse_url
from .transport import Pipeline

log = logging.getLogger(__name__)
M, E = NotificationMessage, NotificationEvent
_SCAN_KEY = "catalyst_notify_next_scan"
_SCHEDULE_KEY = "catalyst_notify_next_schedule"


def enabled() -> bool:
    """Messages go out only with an SMTP server configured (the demo shows a preview instead)."""
    return bool(current_app.config.get("SMTP_URL"))


def _attach(rows: list[NotificationMessage], now: datetime) -> None:
    """First attempt: fix the Message-ID and language, mark the waiting events as told by it."""
    first = [m for m in rows if m.message_id is None]
    # Fixed now, like the Message-ID: a retry after a change of choice still says the same.
    language = languages_for(m.user_id for m in first)
    for m in first:
        m.message_id = new_message_id(m.id)
        m.language = m.language or language.get(m.user_id, "fr")
    db.session.flush()
    if not first:
        return
    t = E.__table__.c  # a Core statement: one executemany for the whole batch
    stmt = (
        update(E.__table__)
        .where(
            t.recipient_id == bindparam("uid"),
            t.audience == bindparam("aud"),
            t.message_row_id.is_(None),
            t.created_at <= bindparam("now"),
        )
        .values(message_row_id=bindparam("mid"))
    )
    params = [{"uid": m.user_id, "aud": m.audience, "now": now, "mid": m.id} for m in first]
    db.session.execute(stmt, params)


def _scan_if_due(now: datetime) -> int:
    every = float(current_app.config.get("NOTIFY_SCAN_SECONDS") or 0)
    due = current_app.extensions.get(_SCAN_KEY)
    if due is not None and now < due:
        return 0
    current_app.extensions[_SCAN_KEY] = now + timedelta(seconds=every)
    return scans.scan(now)


def _schedule_if_due(now: datetime) -> int:
    """Make the due message rows when events came in, else once per NOTIFY_SCHEDULE_SECONDS.

    The statements read every waiting event: run at every round they would cost more, as
    the backlog grows, than the messages they make.
    """
    every = float(current_app.config.get("NOTIFY_SCHEDULE_SECONDS") or 0)
    due = current_app.extensions.get(_SCHEDULE_KEY)
    if due is not None and now < due and not new_events.is_set():
        return 0
    new_events.clear()
    current_app.extensions[_SCHEDULE_KEY] = now + timedelta(seconds=every)
    return schedule(now)


def prepare(worker: str, clock: Clock, limit: int) -> tuple[list, list[int]]:
    """Schedule, claim and attach (committed); the claimed rows' contents and their ids."""
    now = clock.now()
    if _scan_if_due(now):
        new_events.set()  # the scan found some: their messages are made in this round
    _schedule_if_due(now)
    db.session.commit()
    ids = queues.claim(M, queues.due(M, now), worker, limit, now)
    db.session.commit()
    if not ids:
        return [], []
    rows = list(
        db.session.scalars(
            select(M).where(M.id.in_(ids)).order_by(M.id).execution_options(populate_existing=True)
        )
    )
    _attach(rows, now)
    db.session.commit()
    return digests.build(rows, now), ids


def deliver(contents: list, clock: Clock) -> dict[tuple, list[int]]:
    """Build and send the contents (SMTP_CONCURRENCY connections); ids grouped by outcome."""
    config = current_app.config
    sender = str(config.get("MAIL_FROM") or "catalyst@localhost")
    settings = parse_url(str(config["SMTP_URL"]), float(config.get("SMTP_TIMEOUT") or 20))
    outcomes: dict[tuple, list[int]] = defaultdict(list)
    db.session.rollback()  # no transaction stays open while the server answers
    pipeline = Pipeline(settings, sender, int(config.get("SMTP_CONCURRENCY") or 2))
    sent = {}
    try:
        for c in contents:
            if c.skip_reason:
                outcomes[(("state", SKIPPED), ("last_error", c.skip_reason))].append(c.message_id)
            elif pipeline.down is None:  # the server is gone: build nothing more
                sent[c.message_id] = c
                pipeline.put(c.message_id, c.to or "", flatten(email_of(c, clock.now())))
            else:
                sent[c.message_id] = c
    finally:
        results = pipeline.close()
    for message_id, c in sent.items():
        result = results.get(message_id, pipeline.down)
        if isinstance(result, DeliveryError):
            values = {**queues.failed(result, c.attempts, clock), "language": c.language}
            if result.permanent:
                log.warning("notification %s refused: %s", message_id, result)
        else:
            values = {**queues.delivered(clock, result), "language": c.language}
        outcomes[tuple(sorted(values.items()))].append(message_id)
    return outcomes


def finish(worker: str, ids: list[int], values: dict, now: datetime) -> int:
    """Record one outcome for the rows still claimed by `worker`."""
    return queues.finish(M, worker, ids, values, now)


def run_batch(worker: str, clock: Clock | None = None) -> Counter:
    """One round of the mail queue: {state: count} of the messages recorded."""
    counts: Counter = Counter()
    if not enabled():
        return counts
    clock = clock or clock_of()
    limit = int(float(current_app.config.get("NOTIFY_BATCH") or 50))
    contents, ids = prepare(worker, clock, limit)
    if not ids:
        return counts
    attempts = dict(db.session.execute(select(M.id, M.attempts).where(M.id.in_(ids))).all())
    for c in contents:
        c.attempts = attempts.get(c.message_id, 1)
    try:
        outcomes = deliver(contents, clock)
        now = clock.now()
        for values, group in outcomes.items():
            recorded = finish(worker, group, dict(values), now)
            counts[dict(values)["state"]] += recorded
            counts["lost_claim"] += len(group) - recorded
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return +counts
