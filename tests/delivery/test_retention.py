"""Retention applied by the worker on its clock: old nonces, delivery bodies, raw launch data and
expired cache entries go; recent ones stay; upkeep runs again every WORKER_UPKEEP_SECONDS."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from catalyst_training.auth.models import Context, Membership, User
from catalyst_training.delivery import worker
from catalyst_training.delivery.models import DEAD, DELIVERED, GradeDelivery
from catalyst_training.extensions import cache, db
from catalyst_training.lti.models import ROSTER_DONE, Platform, RosterJob, UsedNonce
from tests.delivery.helpers import deliveries
from tests.prod.nodes import wait_until

DAY = timedelta(days=1)
ROLE_URI = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def _nonce(value: str, expires_at) -> None:
    db.session.add(UsedNonce(issuer="https://lms.example.org", nonce=value, expires_at=expires_at))
    db.session.commit()


def _nonces() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(UsedNonce.nonce)))


def test_expired_nonces_go_unexpired_ones_stay(app, clock):
    now = clock.now()
    _nonce("old", now - timedelta(hours=2))
    _nonce("live", now + timedelta(minutes=5))
    assert worker.upkeep(clock)["nonces"] == 1
    assert _nonces() == {"live"}  # still protects its token against a replay
    clock.advance(600)
    worker.upkeep(clock)
    assert _nonces() == set()


def test_delivery_bodies_of_old_sent_or_dead_rows_are_cleared(gradebook, clock):
    learners = [gradebook.learner(sub) for sub in ("ada", "bob", "cy", "dee")]
    for learner in learners:
        gradebook.change(learner, 50.0)
    now = clock.now()
    rows = {r.user_id: r.id for r in deliveries()}
    plan = [(DEAD, now - 40 * DAY), (DELIVERED, now - 40 * DAY), (DEAD, now - DAY),
            ("pending", now - 40 * DAY)]  # fmt: skip
    for learner, (state, when) in zip(learners, plan, strict=True):
        db.session.execute(
            update(GradeDelivery)
            .where(GradeDelivery.id == rows[learner.id])
            .values(
                state=state,
                updated_at=when,
                response_status=404,
                response_body=f"body of {learner.sub}",
                last_error="HTTP 404",
            )
        )
    db.session.commit()
    assert worker.upkeep(clock)["delivery_bodies"] == 2
    kept = {r.user_id: (r.state, r.response_body, r.last_error, r.response_status)
            for r in deliveries()}  # fmt: skip
    ada, bob, cy, dee = (u.id for u in learners)
    assert kept[ada] == (DEAD, None, None, 404)  # status and row stay
    assert kept[bob] == (DELIVERED, None, None, 404)
    assert kept[cy] == (DEAD, "body of cy", "HTTP 404", 404)  # recent
    assert kept[dee][1] == "body of dee"  # not finished: the worker still needs it


def _member(platform_id: int, context: Context, sub: str, last_seen, changed) -> Membership:
    user = User(platform_id=platform_id, sub=sub, name=f"Name {sub}", last_seen_at=last_seen)
    db.session.add(user)
    db.session.flush()
    ms = Membership(user_id=user.id, context_id=context.id, role="learner",
                    lti_roles=[ROLE_URI], custom={"cohort": "c1", "module": "m"})  # fmt: skip
    db.session.add(ms)
    db.session.flush()
    db.session.execute(update(Membership).where(Membership.id == ms.id).values(updated_at=changed))
    return ms


def test_raw_launch_data_of_idle_memberships_is_cleared(app, clock):
    platform = Platform(name="P", issuer="https://lms.example.org", client_id="c")
    db.session.add(platform)
    db.session.flush()
    context = Context(platform_id=platform.id, context_id="course-1")
    db.session.add(context)
    db.session.flush()
    now, old = clock.now(), clock.now() - 100 * DAY
    idle = _member(platform.id, context, "idle", old, old).id
    never = _member(platform.id, context, "never", None, old).id
    relaunched = _member(platform.id, context, "back", now - DAY, old).id
    fresh = _member(platform.id, context, "fresh", old, now - DAY).id
    db.session.commit()
    assert worker.upkeep(clock)["launch_data"] == 2
    db.session.expire_all()
    got = {m.id: (m.custom, m.lti_roles, m.role, m.active) for m in db.session.scalars(
        select(Membership))}  # fmt: skip
    assert got[idle] == got[never] == (None, [], "learner", True)
    assert got[relaunched][:2] == got[fresh][:2] == ({"cohort": "c1", "module": "m"}, [ROLE_URI])
    assert db.session.scalars(select(User).filter_by(sub="idle")).one().name == "Name idle"
    assert worker.upkeep(clock)["launch_data"] == 0  # nothing left to clear
    app.config["RETENTION_LAUNCH_DATA_DAYS"] = 0  # keep forever
    clock.advance(400 * 86400)
    assert worker.upkeep(clock)["launch_data"] == 0


def test_expired_cache_entries_leave_the_disk(app, clock):
    if app.config["CACHE_TYPE"] != "FileSystemCache":
        pytest.skip("Redis expires its own keys")
    cache.set("launch-old", {"claims": "personal"}, timeout=60)
    cache.set("launch-live", {"claims": "current"}, timeout=86400)
    clock.advance(120)
    assert worker.upkeep(clock)["cache_entries"] >= 1
    assert cache.get("launch-old") is None  # gone from disk, not only expired
    assert cache.get("launch-live") == {"claims": "current"}


def test_old_finished_roster_jobs_are_deleted(gradebook, clock):
    now = clock.now()
    for when in (now - 40 * DAY, now - DAY):
        db.session.add(RosterJob(platform_id=gradebook.row.id, context_id=gradebook.context.id,
                                 state=ROSTER_DONE, finished_at=when))  # fmt: skip
    db.session.commit()
    assert worker.upkeep(clock)["roster_jobs"] == 1
    assert len(db.session.scalars(select(RosterJob)).all()) == 1


def test_the_worker_applies_retention_at_start_then_every_interval(app, clock):
    app.config["WORKER_UPKEEP_SECONDS"] = 3600
    _nonce("first", clock.now() - timedelta(hours=1))
    stop = threading.Event()

    def target() -> None:
        with app.app_context():
            worker.run(stop, worker="upkeep-test", clock=clock)
            db.session.remove()

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    try:
        assert wait_until(lambda: _nonces() == set() and clock.waiting, timeout=10)
        start = clock.now()
        _nonce("second", start + timedelta(minutes=10))
        for _ in range(30):  # the worker polls on, past the nonce's expiry: upkeep is not due
            clock.advance(100)
            assert wait_until(lambda: clock.waiting, timeout=10)
        assert clock.now() < start + timedelta(hours=1) and _nonces() == {"second"}
        # Keep the idle worker polling (2 s on its clock) until the hour has passed.
        assert wait_until(lambda: clock.advance(2) and _nonces() == set(), timeout=10)
        assert clock.now() >= start + timedelta(hours=1)
    finally:
        stop.set()
        worker.new_work.set()  # wake the idle worker so it sees the stop
        thread.join(5)
    assert not thread.is_alive()
