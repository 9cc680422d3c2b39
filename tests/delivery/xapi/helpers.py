"""Helpers for learning-record tests: drain the xAPI queue, read what the LRS holds."""

from __future__ import annotations

import time
from collections import Counter

from sqlalchemy import func, select

from catalyst_training.core.clock import ManualClock, clock_of
from catalyst_training.core.models import aware
from catalyst_training.delivery.models import DELIVERED, IN_FLIGHT, PENDING
from catalyst_training.delivery.xapi import transport
from catalyst_training.delivery.xapi.models import XapiStatement
from catalyst_training.extensions import db

S = XapiStatement


def drain_xapi(timeout: float = 30.0, name: str = "xapi-test") -> Counter:
    """Send statements until none waits, moving the test clock to each retry (no sleeping)."""
    clock = clock_of()
    total: Counter = Counter()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = transport.run_batch(name, clock)
        total.update(counts)
        if counts:
            continue
        due = db.session.scalar(select(func.min(S.next_attempt_at)).where(S.state == PENDING))
        busy = db.session.scalar(select(func.count()).where(S.state == IN_FLIGHT))
        if due is None and not busy:
            return total
        if isinstance(clock, ManualClock) and due is not None and aware(due) > clock.now():
            clock.advance_to(aware(due))
    raise AssertionError(f"statements still waiting after {timeout}s: {total}")


def states() -> Counter:
    """How many statements are in each state."""
    return Counter(dict(db.session.execute(select(S.state, func.count()).group_by(S.state)).all()))


def delivered_ids() -> set[str]:
    """Ids of the statements the outbox recorded as delivered."""
    return set(db.session.scalars(select(S.statement_id).where(S.state == DELIVERED)))


def of(held: list[dict], sub: str) -> list[dict]:
    """The statements whose actor is the platform account `sub`."""
    return [s for s in held if s["actor"].get("account", {}).get("name") == sub]
