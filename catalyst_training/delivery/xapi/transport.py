"""The LRS transport: due statements claimed in batches, POSTed to each LRS, outcomes recorded.

A batch is one POST of a JSON array to `<LRS>/statements` (xAPI 1.0.3). Statement ids are ours,
so a batch sent again after an uncertain answer is recognised by the LRS (204 for statements it
already holds). An LRS refusing a whole batch (some LRSs fail a batch in which one statement is
already stored or malformed) gets its statements one by one in the same round, so one bad
statement is dead-lettered alone and the others go through.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from typing import Any

from flask import current_app
from sqlalchemy import and_, exists, select

from ...core import outbound
from ...core.clock import Clock
from ...extensions import db
from ...lti.lti11.models import SecretError, decrypt_secret
from .. import queues
from ..transports.base import THROTTLED, DeliveryError, retry_after
from .models import LrsEndpoint, XapiStatement

log = logging.getLogger(__name__)
S = XapiStatement
VERSION_HEADER = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
ACCEPTED = {200, 204}


def statements_url(base: str) -> str:
    """The statements resource of an LRS whose xAPI base (or statements URL) is `base`."""
    base = base.strip()
    if base.rstrip("/").endswith("/statements"):
        return base.rstrip("/")
    return base.rstrip("/") + "/statements"


def post(lrs: Any, password: str, bodies: list[dict]) -> int:
    """POST statements to the LRS; its status, or DeliveryError when it did not take them."""
    try:
        answer = outbound.request(
            "POST",
            statements_url(lrs.url),
            json=bodies,
            auth=(lrs.username, password),
            headers=VERSION_HEADER,
            timeout=(5.0, float(current_app.config.get("XAPI_TIMEOUT") or 30)),
        )
    except outbound.OutboundError as exc:
        raise DeliveryError(f"LRS {exc.reason}: {exc}", permanent=exc.reason == "scheme") from exc
    status = answer.status_code
    if status in ACCEPTED:
        return status
    detail = outbound.shown(answer.content) or ""
    if status in THROTTLED:
        raise DeliveryError(f"LRS busy ({status})", status=status, retry_after=retry_after(answer))
    if status in (401, 403):
        raise DeliveryError(f"LRS refused the credentials ({status}): {detail}", status=status)
    permanent = status in (400, 409) and len(bodies) == 1
    raise DeliveryError(f"LRS answered {status}: {detail}", permanent=permanent, status=status)


def _send(lrs: Any, rows: list[Any], clock: Clock) -> dict[int, dict]:
    """Outcome values of each row of one LRS."""
    try:
        password = decrypt_secret(lrs.password_encrypted)
    except SecretError as exc:
        error = DeliveryError(f"LRS password unreadable: {exc}")
        return {r.id: queues.failed(error, r.attempts, clock) for r in rows}
    try:
        status = post(lrs, password, [r.body for r in rows])
        return {r.id: queues.delivered(clock, status) for r in rows}
    except DeliveryError as exc:
        whole_batch_refused = exc.status is not None and exc.status not in (401, 403, *THROTTLED)
        if len(rows) == 1 or not whole_batch_refused:
            return {r.id: queues.failed(exc, r.attempts, clock) for r in rows}
    found: dict[int, dict] = {}
    for row in rows:  # the LRS refused the batch: find out which statements it refuses
        try:
            found[row.id] = queues.delivered(clock, post(lrs, password, [row.body]))
        except DeliveryError as exc:
            found[row.id] = queues.failed(exc, row.attempts, clock)
    return found


def _ready(now):
    active = exists().where(LrsEndpoint.id == S.lrs_id, LrsEndpoint.active.is_(True))
    return and_(queues.due(S, now), S.lrs_id.is_not(None), active)


def run_batch(worker: str, clock: Clock) -> Counter:
    """Claim due statements, send them to their LRS in batches, record the outcomes."""
    now = clock.now()
    limit = int(float(current_app.config.get("XAPI_BATCH") or 200))
    ids = queues.claim(S, _ready(now), worker, limit, now)
    db.session.commit()  # the claim is visible to other workers before any HTTP call
    if not ids:
        return Counter()
    rows = db.session.execute(
        select(S.id, S.lrs_id, S.body, S.attempts).where(S.id.in_(ids)).order_by(S.id)
    ).all()
    endpoints = {
        e.id: e
        for e in db.session.execute(
            select(
                LrsEndpoint.id,
                LrsEndpoint.url,
                LrsEndpoint.username,
                LrsEndpoint.password_encrypted,
            ).where(LrsEndpoint.id.in_({r.lrs_id for r in rows}))
        ).all()
    }  # plain rows: nothing is loaded lazily during the HTTP calls
    db.session.rollback()  # no transaction stays open during the HTTP calls
    by_lrs: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_lrs[row.lrs_id].append(row)
    outcomes: dict[int, dict] = {}
    for lrs_id, group in by_lrs.items():
        outcomes.update(_send(endpoints[lrs_id], group, clock))
    counts: Counter = Counter()
    delivered_ids = [i for i, v in outcomes.items() if v["state"] == "delivered"]
    if delivered_ids:
        values = outcomes[delivered_ids[0]]
        counts["delivered"] += queues.finish(S, worker, delivered_ids, values, clock.now())
    for row_id, values in outcomes.items():
        failed = values["state"] != "delivered"
        if failed and queues.finish(S, worker, [row_id], values, clock.now()):
            counts[values["state"]] += 1
            if values["state"] == "dead":
                log.warning("xAPI statement %s dead: %s", row_id, values.get("last_error"))
    db.session.commit()
    return counts
