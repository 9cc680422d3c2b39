"""A disabled platform's deliveries wait (not sent, no attempt spent, never dead), then go."""

from __future__ import annotations

import threading
from collections import Counter

from catalyst_training.delivery import outbox, worker
from catalyst_training.delivery.models import DELIVERED, PENDING
from catalyst_training.extensions import db
from tests.delivery.helpers import deliveries, drain, expire_claims


def _set_active(gradebook, active: bool) -> None:
    gradebook.row.active = active
    db.session.commit()


def test_deliveries_wait_while_the_platform_is_disabled_then_go(gradebook, clock, app):
    store = gradebook.platform.ags
    ada = gradebook.learner("ada")
    _set_active(gradebook, False)
    gradebook.change(ada, 70.0)
    assert worker.run_batch("w1") == Counter()
    # Longer than any backoff and than OUTBOX_MAX_ATTEMPTS retries: still waiting, untouched.
    clock.advance(60 * 24 * 3600)
    for _ in range(3):
        assert worker.run_batch("w1") == Counter()
    assert worker.run(threading.Event(), once=True, clock=clock) == Counter()
    (row,) = deliveries()
    assert (row.state, row.attempts, row.last_error) == (PENDING, 0, None)
    assert store.received("ada") == []
    gradebook.change(ada, 80.0)  # a newer score still collapses into the waiting row
    assert len(deliveries()) == 1
    _set_active(gradebook, True)
    assert drain()[DELIVERED] == 1
    assert [s["scoreGiven"] for s in store.received("ada")] == [80.0]


def test_a_claim_left_by_a_dead_worker_is_not_taken_while_disabled(gradebook, clock):
    ada = gradebook.learner("ada")
    gradebook.change(ada, 55.0)
    (_claimed,) = outbox.claim("dead-worker", 10, 120)
    db.session.commit()  # the worker dies holding the claim
    _set_active(gradebook, False)
    expire_claims()
    assert worker.run_batch("w2") == Counter()
    assert deliveries()[0].attempts == 1  # only the dead worker's attempt
    _set_active(gradebook, True)
    assert drain()[DELIVERED] == 1
    assert gradebook.platform.ags.received("ada")[0]["scoreGiven"] == 55.0
