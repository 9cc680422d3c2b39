"""LTI 1.1 to 1.3 migration: a verified `lti1p1` claim continues the learner's 1.1 records."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from catalyst_training.auth.models import Context, ResourceLink, User
from catalyst_training.extensions import db
from catalyst_training.learning.models import LessonView
from catalyst_training.lti.lti11 import migration
from tests.lti.lti11.conftest import browser, consumer_row, me, user_of
from tests.platform import TestPlatform

LESSON = "/learn/m/module-exemple/lessons/premiere-lecon"


def test_signature_matches_the_migration_guide_example():
    claims = {
        "nonce": "172we8671fd8z",
        "exp": 1551290856,
        "iss": "https://lmsvendor.com",
        "https://purl.imsglobal.org/spec/lti/claim/deployment_id": "689302",
    }
    base = migration.signature_base("179248902", "PM48OJSfGDTAzAo", claims)
    assert base == "179248902&689302&https://lmsvendor.com&PM48OJSfGDTAzAo&1551290856&172we8671fd8z"
    assert migration.sign("my-lti11-secret", base) == "lWd54kFo5qU7xshAna6v8BwoBm6tmUjc6GTax6+12ps="


def _launch_13(platform, consumer, user_id: str, secret: str):
    """A 1.3 launch of the same course and link, with the migration claim signed by `secret`."""
    claim = {
        "user_id": "student-1",
        "oauth_consumer_key": consumer.key,
        "oauth_consumer_key_sign": {"secret": secret},
    }
    session = TestPlatform.session()
    link = consumer.params()["resource_link_id"]
    result = platform.launch(
        session, "learner", user_id=user_id, context_id=consumer.course, resource_link_id=link,
        custom={"module": "module-exemple"}, extra_claims={migration.MIGRATION_CLAIM: claim},
    )  # fmt: skip
    assert result.response.status_code == 303, result.response.text[:300]
    return session


def _records(consumer):
    user = user_of(consumer, "student-1")
    row = consumer_row(consumer)
    context = db.session.scalars(select(Context).filter_by(platform_id=row.id)).one()
    link = db.session.scalars(select(ResourceLink).filter_by(platform_id=row.id)).one()
    return user.id, context.id, link.id


def test_verified_claim_continues_the_same_learner_course_run_and_link(consumer, platform, live):
    old = browser()
    assert consumer.launch(old).status_code == 303
    assert old.get(f"{live.base_url}{LESSON}", timeout=10).status_code == 200
    user_id, context_pk, link_pk = _records(consumer)
    session = _launch_13(platform, consumer, "sub-13", consumer.secret)
    status, data = me(session, live.base_url)
    assert status == 200 and data["user_id"] == user_id and data["sub"] == "sub-13"
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user.platform_id != consumer_row(consumer).id  # now continued under LTI 1.3
    assert db.session.get(Context, context_pk).platform_id == user.platform_id
    assert db.session.get(ResourceLink, link_pk).platform_id == user.platform_id
    views = select(func.count(LessonView.id)).filter_by(user_id=user_id)
    assert db.session.scalar(views) == 1  # the progress made over 1.1 is there
    # A late LTI 1.1 launch of the same person still lands on the same records.
    again = browser()
    assert consumer.launch(again).status_code == 303
    assert me(again, live.base_url)[1]["user_id"] == user_id
    assert db.session.scalar(select(func.count(User.id))) == 1  # nobody twice


def test_unverifiable_claim_is_ignored_and_logged(consumer, platform, live, caplog):
    assert consumer.launch(browser()).status_code == 303
    user_id, _context, _link = _records(consumer)
    with caplog.at_level(logging.WARNING):
        session = _launch_13(platform, consumer, "sub-forged", "not-the-secret")
    status, data = me(session, live.base_url)
    assert status == 200 and data["user_id"] != user_id
    assert "migration claim ignored" in caplog.text
    assert user_of(consumer, "student-1").id == user_id  # the 1.1 records stay where they were
