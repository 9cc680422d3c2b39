"""Roster sync over NRPS against the test platform: every page, both Link forms, idempotent."""

import pytest
from sqlalchemy import select

from catalyst_training.auth.models import Context, Membership, User
from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.lti.paging import next_link
from catalyst_training.lti.roster import sync_roster
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


def test_sync_from_the_mentor_page_and_cli(platform, launched, cli):
    session, _context = launched
    page = session.get(session.base + "/mentor/", timeout=10)
    from tests.learning.helpers import csrf

    resp = session.post(
        session.base + "/lti/roster/sync", data={"csrf_token": csrf(page.text)}, timeout=10
    )
    assert "5 membres synchronisés" in resp.text
    result = cli("roster", "sync", "--context", "course-v1:FUN+CAT+2026")
    assert result.exit_code == 0, result.output
    assert "5 members in 3 page(s)" in result.output
    assert cli("roster", "sync", "--context", "nope").exit_code != 0
