"""Coordinator login limited per account (the submitted email, normalised) across addresses, as
well as per IP; unknown emails answer exactly like known ones; counters shared through Redis."""

from __future__ import annotations

import os
import re

import pytest
from flask import g

from catalyst_training.extensions import db
from tests.auth.test_login import PASSWORD, _token

TEST_REDIS = os.environ.get("CATALYST_TEST_REDIS_URL")


def _post(client, email: str, password: str, ip: str):
    return client.post(
        "/auth/login",
        data={"csrf_token": _token(client), "email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


@pytest.fixture
def coordinator(cli, app):
    """Two local coordinator accounts."""
    for email in ("coord@example.org", "other@example.org"):
        assert cli("users", "add-coordinator", email, input=PASSWORD + "\n").exit_code == 0
    db.session.commit()


def test_failures_on_one_account_from_many_addresses_give_429(client, coordinator):
    # One try from each of 10 addresses, with the email written in several ways.
    spellings = ["coord@example.org", " Coord@Example.org ", "COORD@EXAMPLE.ORG"]
    codes = [
        _post(client, spellings[i % 3], "bad", f"198.51.100.{i}").status_code for i in range(10)
    ]
    assert codes == [401] * 10  # no single address is near its own limit
    blocked = _post(client, "coord@example.org", "bad", "198.51.100.77")
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    assert "Trop de tentatives de connexion" in blocked.get_data(as_text=True)
    # The right password does not get through either while the account is limited.
    assert _post(client, "coord@example.org", PASSWORD, "203.0.113.9").status_code == 429
    # Another account, from one of the same addresses, is not affected.
    ok = _post(client, "other@example.org", PASSWORD, "198.51.100.1")
    assert ok.status_code == 303 and ok.headers["Location"].endswith("/console/")


def test_successful_logins_do_not_count(app, coordinator):
    for i in range(12):  # a new browser each time
        # The test's app context outlives requests: forget the previous browser's cached token.
        g.pop("csrf_token", None)
        ok = _post(app.test_client(), "coord@example.org", PASSWORD, f"192.0.2.{i}")
        assert ok.status_code == 303


def test_unknown_emails_are_limited_and_answered_the_same(client, coordinator):
    def run(email: str, net: str) -> list[tuple[int, str]]:
        answers = []
        for i in range(11):
            resp = _post(client, email, "bad", f"{net}.{i}")
            answers.append((resp.status_code, resp.get_data(as_text=True)))
        return answers

    known = run("coord@example.org", "198.51.100")
    unknown = run("nobody@example.org", "203.0.113")
    assert [code for code, _ in known] == [code for code, _ in unknown] == [401] * 10 + [429]
    assert _blank(known[0][1]) == _blank(unknown[0][1])  # the same 401 page
    assert _blank(known[-1][1]) == _blank(unknown[-1][1])  # the same 429 page


def _blank(html: str) -> str:
    """A page without its form values (CSRF token, the email typed)."""
    return re.sub(r'value="[^"]*"', 'value=""', html)


@pytest.mark.redis
@pytest.mark.skipif(not TEST_REDIS, reason="CATALYST_TEST_REDIS_URL is not set")
def test_account_counters_live_in_redis_keyed_by_a_hash(app, client, coordinator):
    import redis

    assert app.config["RATELIMIT_STORAGE_URI"] == TEST_REDIS
    for i in range(3):
        assert _post(client, "coord@example.org", "bad", f"198.51.100.{i}").status_code == 401
    keys = [k.decode() for k in redis.Redis.from_url(TEST_REDIS).keys("*account*")]
    assert keys and not any("example.org" in k for k in keys)
    # A second node (another app on the same Redis) sees the same counter.
    from catalyst_training import create_app
    from tests.conftest import base_config

    other = create_app({**base_config(app.instance_path), "REDIS_URL": TEST_REDIS})
    other_client = other.test_client()
    try:
        for i in range(7):
            code = _post(other_client, "coord@example.org", "bad", f"203.0.113.{i}").status_code
            assert code == 401
        assert _post(other_client, "coord@example.org", "bad", "203.0.113.99").status_code == 429
    finally:
        with other.app_context():
            db.engine.dispose()
