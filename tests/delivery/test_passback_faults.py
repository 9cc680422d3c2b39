"""Grade passback under faults: platform down, throttling, dead letters, killed workers."""

from __future__ import annotations

import os
import time
from collections import Counter
from datetime import timedelta
from email.utils import format_datetime

import pytest

from catalyst_training.core.models import aware
from catalyst_training.delivery import outbox, transports, worker
from catalyst_training.delivery.models import DEAD, DECLARATIVE, DELIVERED, IN_FLIGHT, PENDING
from catalyst_training.delivery.transports import ags
from catalyst_training.extensions import db
from tests.delivery.helpers import (
    advance_to_next_retry,
    deliveries,
    drain,
    expire_claims,
    run_workers,
)

PG = os.environ.get("CATALYST_TEST_DATABASE_URL")


def test_platform_down_then_back_every_grade_arrives_once_latest_wins(gradebook, clock):
    store = gradebook.platform.ags
    users = [gradebook.learner(f"u{i}") for i in range(4)]
    store.down = True
    expected = {}
    for step in range(3):
        for i, user in enumerate(users):
            expected[user.sub] = (10.0 * i + step, gradebook.change(user, 10.0 * i + step))
        counts = worker.run_batch("w1")
        assert counts.get(DELIVERED, 0) == 0
        db.session.expire_all()
        clock.advance(3600)  # past the longest retry delay (OUTBOX_BACKOFF_MAX)
    assert {r.state for r in deliveries()} == {PENDING}
    assert {r.attempts for r in deliveries()} == {3}
    assert len(deliveries()) == 4  # superseded values collapsed while waiting
    assert all(
        "502" in (r.last_error or "") or "token" in (r.last_error or "") for r in deliveries()
    )
    store.down = False
    assert drain()[DELIVERED] == 4
    received = store.received()
    assert len(received) == 4
    for sub, (score, at) in expected.items():
        (sent,) = store.received(sub)
        assert sent["scoreGiven"] == score and sent["timestamp"] == ags.iso_timestamp(at)
        assert store.results[(gradebook.lineitem, sub)]["scoreGiven"] == score


def test_retry_backoff_grows_with_jitter(app):
    with app.app_context():
        delays = [worker.backoff(n, 2.0, 60.0) for n in range(1, 8)]
    assert 1.0 <= delays[0] <= 2.0 and 16.0 <= delays[4] <= 32.0 and delays[6] <= 60.0
    assert len({worker.backoff(3, 2.0, 60.0) for _ in range(20)}) > 1


def test_429_retry_after_is_honoured(gradebook, clock):
    store = gradebook.platform.ags
    store.fail_next(1, 429, {"Retry-After": "120"})
    gradebook.change(gradebook.learner("ada"), 42.0)
    started = clock.now()
    assert worker.run_batch("w1") == {PENDING: 1}
    (row,) = deliveries()
    # The platform's delay, not the backoff's (5 s at most for a first retry by default).
    assert aware(row.next_attempt_at) - started == timedelta(seconds=120)
    assert row.response_status == 429
    clock.advance(119)
    assert worker.run_batch("w1") == Counter()  # not due before Retry-After
    assert store.received() == []
    clock.advance(1)
    assert worker.run_batch("w1") == {DELIVERED: 1}
    assert [s["scoreGiven"] for s in store.received("ada")] == [42.0]


def test_503_with_http_date_retry_after(gradebook, clock):
    store = gradebook.platform.ags
    store.fail_next(1, 503, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    gradebook.change(gradebook.learner("ada"), 42.0)
    assert worker.run_batch("w1") == {PENDING: 1}
    assert worker.run_batch("w1") == {DELIVERED: 1}  # a date in the past means: now
    later = clock.now() + timedelta(minutes=10)
    store.fail_next(1, 503, {"Retry-After": format_datetime(later, usegmt=True)})
    gradebook.change(gradebook.learner("bob"), 42.0)
    assert worker.run_batch("w1") == {PENDING: 1}
    assert advance_to_next_retry() == later.replace(microsecond=0)  # the date the platform set
    assert worker.run_batch("w1") == {DELIVERED: 1}


def test_missing_line_item_dead_letters_with_the_platform_answer(gradebook, cli):
    user = gradebook.learner("ada")
    link = gradebook.link()
    link.lineitem_url = gradebook.platform.ags.lineitems_url("course") + "/999"
    db.session.commit()
    gradebook.change(user, 60.0)
    assert drain() == {DEAD: 1}
    (row,) = deliveries()
    assert row.response_status == 404 and "404" in row.last_error
    assert row.response_body is not None and row.attempts == 1
    # A newer score supersedes the dead letter (which would only fail again).
    gradebook.change(user, 70.0)
    assert [r.state for r in deliveries()] == [PENDING]


@pytest.mark.parametrize("status", [400, 403, 422])
def test_permanent_errors_dead_letter(gradebook, status):
    gradebook.platform.ags.fail_next(1, status)
    gradebook.change(gradebook.learner("ada"), 60.0)
    assert drain() == {DEAD: 1}
    assert deliveries()[0].response_status == status


def test_worker_killed_mid_batch_loses_nothing(gradebook, monkeypatch):
    users = [gradebook.learner(f"u{i}") for i in range(6)]
    for i, user in enumerate(users):
        gradebook.change(user, float(i))
    real, sent = ags.deliver, []

    def dying(job):
        if len(sent) == 3:
            raise KeyboardInterrupt("SIGKILL")
        sent.append(job.id)
        return real(job)

    monkeypatch.setitem(transports.TRANSPORTS, DECLARATIVE, dying)
    with pytest.raises(KeyboardInterrupt):
        worker.run_batch("doomed")
    db.session.rollback()
    assert {r.state for r in deliveries()} == {IN_FLIGHT}
    assert {r.claimed_by for r in deliveries()} == {"doomed"}
    monkeypatch.setitem(transports.TRANSPORTS, DECLARATIVE, real)
    assert worker.run_batch("w2") == Counter()  # claims still valid: nobody else sends them
    expire_claims()
    assert drain(name="w2") == {DELIVERED: 6}
    store = gradebook.platform.ags
    assert {u.sub: store.results[(gradebook.lineitem, u.sub)]["scoreGiven"] for u in users} == {
        f"u{i}": float(i) for i in range(6)
    }
    # The doomed worker cannot overwrite what w2 recorded once its claim was taken over.
    assert worker.finish("doomed", deliveries()[0].id, {"state": DEAD}) is False


def test_concurrent_workers_never_send_a_row_twice(app, gradebook):
    app.config["OUTBOX_BATCH"] = 5
    users = [gradebook.learner(f"u{i}") for i in range(40)]
    for user in users:
        gradebook.change(user, 50.0)
    expected = sorted(u.sub for u in users)
    db.session.remove()
    results = run_workers(app, 4)
    assert sum(c[DELIVERED] for c in results) == 40
    subs = [s["userId"] for s in gradebook.platform.ags.received()]
    assert sorted(subs) == expected  # each exactly once
    assert len(gradebook.platform.token_requests) <= 4


@pytest.mark.postgres
@pytest.mark.skipif(not PG, reason="CATALYST_TEST_DATABASE_URL is not set")
def test_postgres_skip_locked_claims_are_disjoint_and_do_not_block(app, gradebook, clock):
    users = [gradebook.learner(f"u{i}") for i in range(10)]
    for user in users:
        gradebook.change(user, 50.0)
    first = outbox.claim("a", 4, 60)  # transaction left open: rows stay locked
    with app.app_context():
        started = time.monotonic()
        second = outbox.claim("b", 10, 60)
        db.session.commit()
        assert time.monotonic() - started < 2
        db.session.remove()
    db.session.commit()
    ids_a, ids_b = {j.id for j in first}, {j.id for j in second}
    assert len(ids_a) == 4 and len(ids_b) == 6 and not ids_a & ids_b
    later = clock.now() + timedelta(seconds=1)
    assert outbox.claim("c", 10, 60, now=later) == []
