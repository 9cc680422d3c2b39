"""Every forged, stale, replayed or malformed LTI 1.1 launch: a 4xx with its reason, no session."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from catalyst_training.auth.models import User
from catalyst_training.extensions import db
from tests.lti.lti11.conftest import browser, consumer_row, me


def assert_rejected(live, session, resp, status: int, reason: str) -> None:
    """4xx with the reason on the page, no session, no user created."""
    assert resp.status_code == status, (resp.status_code, resp.text[:400])
    assert f"({reason})" in resp.text
    assert me(session, live.base_url)[0] == 401
    db.session.expire_all()
    assert db.session.scalars(select(User).where(User.sub.is_not(None))).first() is None


def test_tampered_parameter_breaks_the_signature(consumer, live):
    fields = consumer.sign(consumer.params("Student", "mallory"))
    tampered = [(k, "Administrator" if k == "roles" else v) for k, v in fields]
    session = browser()
    assert_rejected(live, session, consumer.post(session, tampered), 401, "bad_signature")


def test_tampered_signature(consumer, live):
    fields = consumer.sign(consumer.params())
    forged = [(k, "AAAA" + v[4:] if k == "oauth_signature" else v) for k, v in fields]
    session = browser()
    assert_rejected(live, session, consumer.post(session, forged), 401, "bad_signature")


def test_signed_for_another_url(consumer, live):
    fields = consumer.sign(consumer.params(), url="https://elsewhere.example.org/lti/launch11")
    session = browser()
    assert_rejected(live, session, consumer.post(session, fields), 401, "bad_signature")


@pytest.mark.parametrize("offset", [-301, 400])
def test_stale_or_future_timestamp(consumer, live, offset):
    fields = consumer.sign(consumer.params(), timestamp=int(time.time()) + offset)
    session = browser()
    assert_rejected(live, session, consumer.post(session, fields), 401, "expired")


def test_timestamp_within_the_window_is_accepted(consumer, live):
    fields = consumer.sign(consumer.params(), timestamp=int(time.time()) - 250)
    assert consumer.post(browser(), fields).status_code == 303


def test_replayed_nonce(consumer, live):
    fields = consumer.sign(consumer.params("Student", "victim"))
    assert consumer.post(browser(), fields).status_code == 303
    attacker = browser()
    again = consumer.post(attacker, fields)
    assert again.status_code == 401 and "(replayed)" in again.text
    assert me(attacker, live.base_url)[0] == 401


def test_same_nonce_new_signature_is_still_a_replay(consumer, live):
    first = consumer.sign(consumer.params("Student", "victim"), nonce="n0nce-fixed-123")
    assert consumer.post(browser(), first).status_code == 303
    second = consumer.sign(consumer.params("Student", "other"), nonce="n0nce-fixed-123")
    resp = consumer.post(browser(), second)
    assert resp.status_code == 401 and "(replayed)" in resp.text


def test_unknown_consumer_key(consumer, live):
    fields = consumer.sign(consumer.params(), key="not-registered")
    session = browser()
    assert_rejected(live, session, consumer.post(session, fields), 401, "unknown_platform")


def test_wrong_secret(consumer, live):
    fields = consumer.sign(consumer.params(), secret="guessed-secret")
    session = browser()
    assert_rejected(live, session, consumer.post(session, fields), 401, "bad_signature")


def test_inactive_consumer(consumer, live):
    consumer_row(consumer).active = False
    db.session.commit()
    session = browser()
    resp = consumer.post(session, consumer.sign(consumer.params()))
    assert_rejected(live, session, resp, 401, "unknown_platform")


def test_unsigned_launch(consumer, live):
    session = browser()
    resp = consumer.post(session, list(consumer.params().items()))
    assert_rejected(live, session, resp, 401, "bad_signature")


@pytest.mark.parametrize("missing", ["user_id", "resource_link_id"])
def test_missing_required_parameter(consumer, live, missing):
    fields = consumer.sign(consumer.params(**{missing: None}))
    session = browser()
    assert_rejected(live, session, consumer.post(session, fields), 400, "login_invalid")


@pytest.mark.parametrize("version", ["LTI-2p0", "", "1.3.0"])
def test_wrong_lti_version(consumer, live, version):
    fields = consumer.sign(consumer.params(lti_version=version))
    session = browser()
    assert_rejected(live, session, consumer.post(session, fields), 400, "bad_version")


def test_other_message_type_at_launch11(consumer, live):
    fields = consumer.sign(consumer.params(lti_message_type="ContentItemSelectionRequest"))
    session = browser()
    assert_rejected(live, session, consumer.post(session, fields), 400, "login_invalid")


def test_unknown_role(consumer, live):
    fields = consumer.sign(consumer.params(roles="urn:lti:role:ims/lis/Observer"))
    session = browser()
    assert_rejected(live, session, consumer.post(session, fields), 403, "no_role")


def test_rejections_answer_json_with_the_reason(consumer, live):
    fields = consumer.sign(consumer.params(lti_version="LTI-2p0"))
    resp = consumer.post(browser(), fields, headers={"Accept": "application/json"})
    assert resp.status_code == 400 and resp.json()["reason"] == "bad_version"
