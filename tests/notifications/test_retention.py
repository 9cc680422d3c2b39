"""Retention at the worker's upkeep: old delivered and skipped messages and their events go;
recent ones, refusals (dead) and messages still to send stay; 0 keeps everything."""

from __future__ import annotations

from datetime import timedelta

from catalyst_training.delivery import worker
from catalyst_training.extensions import db
from catalyst_training.notifications.models import (
    LEARNER,
    MENTOR,
    SKIPPED,
    SUBMITTED,
    NotificationEvent,
    NotificationMessage,
)
from tests.mentoring.helpers import submit_work
from tests.notifications.helpers import drain, evening_clock, messages

DAY = timedelta(days=1)


def _row(user, state: str, when, key: str, told: bool = True) -> NotificationMessage:
    """A message in `state` last recorded at `when`, with one event it told (or none)."""
    row = NotificationMessage(user_id=user.id, audience=LEARNER, period_key=key, state=state,
                              created_at=when, updated_at=when, next_attempt_at=when)  # fmt: skip
    db.session.add(row)
    db.session.flush()
    if told:
        db.session.add(NotificationEvent(recipient_id=user.id, audience=LEARNER, kind=SUBMITTED,
                                         created_at=when, message_row_id=row.id))  # fmt: skip
    return row


def _world_of_messages(app, smtp, world):
    clock = evening_clock(app)
    submit_work(world.learner_a.id)
    assert drain(clock)["mail_delivered"] == 1  # mentor A's digest, recorded on the clock
    start = clock.now()
    _row(world.learner_b, "dead", start, "dead")
    _row(world.learner_b, "pending", start, "pending")
    _row(world.coordinator, SKIPPED, start, "skipped", told=False)
    # An old event still waiting for its message: never purged.
    db.session.add(NotificationEvent(recipient_id=world.learner_b.id, audience=MENTOR,
                                     kind=SUBMITTED, created_at=start))  # fmt: skip
    db.session.commit()
    return clock


def _kept() -> tuple[set[str], int]:
    db.session.expire_all()
    return {m.period_key for m in messages()}, db.session.query(NotificationEvent).count()


def test_old_delivered_and_skipped_go_recent_and_dead_stay(app, smtp, world):
    clock = _world_of_messages(app, smtp, world)
    digest_key = next(m.period_key for m in messages() if m.state == "delivered")
    clock.advance((364 * DAY).total_seconds())
    _row(world.learner_b, "delivered", clock.now() - 10 * DAY, "recent")
    db.session.commit()
    assert "notifications" not in worker.upkeep(clock)  # not a year old yet
    assert len(_kept()[0]) == 5

    clock.advance((2 * DAY).total_seconds())
    # The digest, its event, and the skipped message.
    assert worker.upkeep(clock)["notifications"] == 3
    keys, events = _kept()
    assert digest_key not in keys and "skipped" not in keys
    assert keys == {"dead", "pending", "recent"}
    assert events == 4  # those of dead, pending and recent, and the one still waiting
    waiting = db.session.query(NotificationEvent).filter_by(message_row_id=None).count()
    assert waiting == 1  # no event was turned back into one waiting to be told


def test_zero_keeps_everything(app, smtp, world):
    app.config["NOTIFY_RETENTION_DAYS"] = 0
    clock = _world_of_messages(app, smtp, world)
    clock.advance((3650 * DAY).total_seconds())
    assert "notifications" not in worker.upkeep(clock)
    keys, events = _kept()
    assert len(keys) == 4 and events == 4
