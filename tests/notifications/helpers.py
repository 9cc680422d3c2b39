"""Helpers of the notification tests: drive the worker, read messages."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

from catalyst_training.core.clock import ManualClock, install
from catalyst_training.delivery import worker
from catalyst_training.extensions import db
from catalyst_training.notifications.models import NotificationMessage

# Monday 2 March 2026, 18:30 in Paris (17:30 UTC): daily digests (18:00) are due.
EVENING = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)


def evening_clock(app, start: datetime = EVENING) -> ManualClock:
    """A manual clock installed in the app, at a time when daily digests are due."""
    return install(app, ManualClock(start))


def drain(clock) -> Counter:
    """Run the worker as `catalyst-training worker --once` does, until nothing is due."""
    counts = worker.run(threading.Event(), once=True, clock=clock)
    db.session.expire_all()
    return counts


def text_of(msg) -> str:
    """The plain text part of a received message."""
    return msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_of(msg) -> str:
    """The HTML part of a received message."""
    return msg.get_body(preferencelist=("html",)).get_content()


def messages() -> list[NotificationMessage]:
    """Every message row, oldest first."""
    db.session.expire_all()
    return list(db.session.scalars(select(NotificationMessage).order_by(NotificationMessage.id)))
