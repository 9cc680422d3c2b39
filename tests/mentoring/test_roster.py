"""Roster sync over NRPS against the test platform: every page, both Link forms, idempotent;
from the web, a job the worker runs, with its progress and a readable result."""

import socket
import threading
from collections import Counter

import pytest
import requests
from sqlalchemy import select

from catalyst_training.auth.models import Context, Membership, User
from catalyst_training.core.models import utcnow
from catalyst_training.delivery import worker
from catalyst_training.extensions import db
from catalyst_training.lti import jobs as jobs_module
from catalyst_training.lti import roster as roster_module
from catalyst_training.lti.models import RosterJob
from catalyst_training.lti.paging import next_link
from catalyst_training.lti.roster import sync_roster
from tests.learning.helpers import csrf
from tests.platform import TestPlatform


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('<https://a/x?Cursor=AbC2>; rel="next"', "https://a/x?Cursor=AbC2"),
        ("<https://a/first>; rel=first, <https://a/Next?P=B>; rel=next", "https://a/Next?P=B"),
        ('<https://a/x>; rel="prev"', None),
        (None, None),
    ],
)
def test_next_link(header, expected):
    assert next_link(header) == expected


@pytest.fixture
def launched(platform):
    """A mentor launched with the NRPS claim; returns the context."""
    session = TestPlatform.session()
    url = f"{platform.base_url}/nrps/memberships"
    result = platform.launch(session, "mentor", user_id="mentor-1", nrps_url=url)
    assert result.response.status_code == 303
    session.base = platform.tool_base_url
    roster = platform.roster
    roster.add("mentor-1", "mentor")
    roster.add("learner-1", "learner", name="Alice Martin", email="alice@example.org")
    roster.add("learner-2", "learner")
    roster.add("learner-3", "learner", status="Inactive")
    roster.add("learner-4", "learner")
    return session, db.session.scalars(select(Context)).one()


@pytest.mark.parametrize("quoted", [True, False])
def test_sync_pulls_every_page_and_is_idempotent(platform, launched, quoted):
    _session, context = launched
    platform.roster.quoted_rel = quoted
    report = sync_roster(context, utcnow())
    db.session.commit()
    assert report.pages == 3 and report.members == 5
    assert any("Cursor=AbC2" in u for u in platform.roster.requests)  # case kept
    users = {u.sub: u for u in db.session.scalars(select(User))}
    assert users["learner-1"].name == "Alice Martin"
    assert users["learner-2"].name is None and users["learner-2"].email is None
    by_sub = {m.user.sub: m for m in db.session.scalars(select(Membership))}
    assert by_sub["learner-3"].active is False and by_sub["learner-2"].active is True
    before = db.session.scalar(select(db.func.count(User.id)))
    again = sync_roster(context, utcnow())
    db.session.commit()
    assert again.created == 0 and db.session.scalar(select(db.func.count(User.id))) == before
    platform.roster.members = [m for m in platform.roster.members if m["user_id"] != "learner-4"]
    sync_roster(context, utcnow())
    db.session.commit()
    db.session.expire_all()
    gone = db.session.scalars(select(Membership).join(User).where(User.sub == "learner-4")).one()
    assert gone.active is False  # marked, not deleted
    assert platform.token_requests  # client_credentials with our signed assertion


def _ask_sync(session) -> requests.Response:
    page = session.get(session.base + "/mentor/", timeout=10)
    return session.post(
        session.base + "/lti/roster/sync",
        data={"csrf_token": csrf(page.text)},
        timeout=10,
        allow_redirects=False,
    )


def _work(clock) -> Counter:
    """The worker, once, on the test clock (what `catalyst-training worker --once` runs)."""
    return worker.run(threading.Event(), once=True, worker="test-worker", clock=clock)


def _jobs() -> list[RosterJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(RosterJob).order_by(RosterJob.id)))


def test_sync_from_the_mentor_page_is_a_job_the_worker_runs(platform, launched, clock, cli):
    session, context = launched
    resp = _ask_sync(session)
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/mentor/")
    assert platform.roster.requests == []  # nothing fetched inside the request
    (job,) = _jobs()
    assert (job.state, job.context_id, job.pages) == ("pending", context.id, 0)
    page = session.get(session.base + "/mentor/", timeout=10)
    assert "en attente" in page.text and "demandée" in page.text
    assert _ask_sync(session).status_code == 303
    assert len(_jobs()) == 1  # the waiting job is reused
    seen: list[tuple[int, int]] = []
    original = roster_module.sync_roster

    def spy(ctx, now, fetch=roster_module.fetch_pages, progress=None):
        def record(pages, members):
            progress(pages, members)
            db.session.expire_all()
            row = db.session.get(RosterJob, job.id)
            seen.append((row.state, row.pages, row.members))

        return original(ctx, now, fetch, record)

    jobs_module.sync_roster, saved = spy, jobs_module.sync_roster
    try:
        assert _work(clock)["roster_done"] == 1
    finally:
        jobs_module.sync_roster = saved
    assert seen == [("running", 1, 2), ("running", 2, 4), ("running", 3, 5)]  # committed per page
    (job,) = _jobs()
    assert (job.state, job.pages, job.members, job.added, job.deactivated) == ("done", 3, 5, 4, 0)
    assert job.claimed_by is None and job.finished_at is not None and job.error is None
    page = session.get(session.base + "/mentor/", timeout=10)
    assert page.status_code == 200 and "5 membres synchronisés" in page.text
    assert "(3 pages lues)" in page.text
    assert _work(clock)["roster_done"] == 0  # nothing left to run
    result = cli("roster", "sync", "--context", "course-v1:FUN+CAT+2026")
    assert result.exit_code == 0, result.output
    assert "5 members in 3 page(s)" in result.output
    assert cli("roster", "sync", "--context", "nope").exit_code != 0


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("url", "kind", "sentence"),
    [
        ("http://127.0.0.1:{port}/nrps", "unreachable", "La plateforme est injoignable"),
        ("{base}/nrps/nowhere", "refused", "La plateforme a refusé"),
    ],
)
def test_platform_failures_are_readable_job_results(platform, launched, clock, url, kind, sentence):
    session, context = launched
    context.memberships_url = url.format(port=_closed_port(), base=platform.base_url)
    db.session.commit()
    assert _ask_sync(session).status_code == 303
    assert _work(clock)["roster_failed"] == 1
    (job,) = _jobs()
    assert job.state == "failed" and job.error_kind == kind and job.error
    page = session.get(session.base + "/mentor/", timeout=10)
    assert page.status_code == 200 and sentence in page.text
    assert db.session.scalar(select(db.func.count(Membership.id))) == 1  # only the mentor's


def test_a_course_run_without_nrps_fails_with_a_reason_not_a_500(platform, launched, clock):
    session, context = launched
    context.memberships_url = None
    db.session.commit()
    assert _ask_sync(session).status_code == 303
    _work(clock)
    (job,) = _jobs()
    assert (job.state, job.error_kind) == ("failed", "setup")
    assert "relancez" in session.get(session.base + "/mentor/", timeout=10).text


def test_a_dead_workers_job_is_taken_again_and_never_twice_at_once(platform, launched, clock):
    _session, context = launched
    job, created = jobs_module.request_sync(context, None, clock.now())
    db.session.commit()
    assert created and jobs_module.claim_job("dead", 120, clock.now()) == job.id
    db.session.commit()
    second, created = jobs_module.request_sync(context, None, clock.now())
    db.session.commit()
    assert created and second.id != job.id  # a new request while one runs
    assert jobs_module.claim_job("other", 120, clock.now()) is None  # same course run: waits
    clock.advance(121)  # the dead worker's claim runs out
    assert jobs_module.claim_job("other", 120, clock.now()) == job.id
    db.session.commit()
    assert jobs_module.run_job(job.id, "dead", clock, 120, db.session.commit) == "lost_claim"
    assert jobs_module.run_job(job.id, "other", clock, 120, db.session.commit) == "done"
    assert _work(clock)["roster_done"] == 1  # then the second one
    assert [j.state for j in _jobs()] == ["done", "done"]
