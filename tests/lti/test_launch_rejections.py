"""Every forged, replayed or misdirected launch is a 4xx with a reason and no session."""

import time

import pytest

from catalyst_training.auth.models import User
from catalyst_training.extensions import db
from catalyst_training.lti.models import Deployment, Platform
from tests.platform import TestPlatform, forge


def assert_rejected(platform, session, response, status, reason, sub="u1"):
    """4xx (never 3xx/500) with the reason on the page, no session and no user created."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert f"({reason})" in response.text
    assert session.get(platform.tool_base_url + "/api/me", timeout=5).status_code == 401
    db.session.expire_all()
    assert db.session.scalars(db.select(User).filter_by(sub=sub)).first() is None


def forged(platform, session, mutate=None, *, sign=None, **options):
    """Log in for real (valid state + nonce), then post a token built from mutated claims."""
    login = platform.begin_login(session, "learner", **options)
    assert login.ok, login.response.text
    claims = platform.claims_for("learner", nonce=login.nonce, **options)
    if mutate:
        mutate(claims)
    token = (sign or platform.sign)(claims)
    return platform.post_launch(session, token, login.state)


def test_replay_from_the_same_browser(platform):
    session = TestPlatform.session()
    first = platform.launch(session, "learner", user_id="victim")
    assert first.response.status_code == 303
    session.cookies.clear()
    session.cookies.update({k: v for k, v in first.login.response.cookies.items()})
    again = platform.post_launch(session, first.id_token, first.state)
    assert again.status_code == 401 and "(replayed)" in again.text


def test_replay_from_a_fresh_browser(platform):
    session = TestPlatform.session()
    first = platform.launch(session, "learner", user_id="victim")
    assert first.response.status_code == 303
    attacker = TestPlatform.session()
    again = platform.post_launch(attacker, first.id_token, first.state)
    assert again.status_code == 401 and "(state_mismatch)" in again.text
    assert attacker.get(platform.tool_base_url + "/api/me").status_code == 401


def test_new_token_reusing_a_consumed_nonce(platform):
    session = TestPlatform.session()
    first = platform.launch(session, "learner", user_id="victim")
    assert first.response.status_code == 303
    attacker = TestPlatform.session()
    login = platform.begin_login(attacker, "learner", user_id="u1")
    claims = platform.claims_for("learner", nonce=first.nonce, user_id="u1")
    resp = platform.post_launch(attacker, platform.sign(claims), login.state)
    assert_rejected(platform, attacker, resp, 401, "replayed")


def test_nonce_not_issued_by_the_tool(platform):
    session = TestPlatform.session()
    resp = forged(platform, session, lambda c: c.update(nonce="made-up-nonce"))
    assert_rejected(platform, session, resp, 401, "unknown_nonce")


@pytest.mark.parametrize("claim", ["exp", "iat", "nonce", "sub"])
def test_required_claim_missing(platform, claim):
    session = TestPlatform.session()
    resp = forged(platform, session, lambda c: c.pop(claim))
    assert_rejected(platform, session, resp, 401, "missing_claim")


def test_expired_token(platform):
    session = TestPlatform.session()
    resp = forged(
        platform,
        session,
        lambda c: c.update(exp=int(time.time()) - 600, iat=int(time.time()) - 900),
    )
    assert_rejected(platform, session, resp, 401, "expired")


def test_token_issued_in_the_future(platform):
    session = TestPlatform.session()
    resp = forged(
        platform,
        session,
        lambda c: c.update(iat=int(time.time()) + 3600, exp=int(time.time()) + 7200),
    )
    assert_rejected(platform, session, resp, 401, "issued_in_future")


def test_alg_none(platform):
    session = TestPlatform.session()
    resp = forged(platform, session, sign=platform.sign_none)
    assert_rejected(platform, session, resp, 401, "bad_algorithm")


def test_hs256_signed_with_the_public_key(platform):
    session = TestPlatform.session()
    resp = forged(platform, session, sign=platform.sign_hs256_with_public_key)
    assert_rejected(platform, session, resp, 401, "bad_algorithm")


def test_signed_by_another_key_with_our_kid(platform):
    session = TestPlatform.session()
    other = forge.generate_rsa_key()
    resp = forged(platform, session, sign=lambda c: platform.sign(c, key=other))
    assert_rejected(platform, session, resp, 401, "bad_signature")


def test_tampered_payload(platform):
    session = TestPlatform.session()
    login = platform.begin_login(session, "learner")
    claims = platform.claims_for("learner", nonce=login.nonce)
    token = platform.sign(claims)
    roles_claim = "https://purl.imsglobal.org/spec/lti/claim/roles"
    evil = forge.tamper(token, claims={**claims, roles_claim: ["Administrator"]})
    resp = platform.post_launch(session, evil, login.state)
    assert_rejected(platform, session, resp, 401, "bad_signature")


def test_unknown_kid(platform):
    session = TestPlatform.session()
    resp = forged(platform, session, sign=lambda c: platform.sign(c, headers={"kid": "nope"}))
    assert_rejected(platform, session, resp, 401, "unknown_key")


def test_wrong_audience(platform):
    session = TestPlatform.session()
    resp = forged(platform, session, lambda c: c.update(aud="someone-else", azp="someone-else"))
    assert_rejected(platform, session, resp, 400, "unknown_platform")


def test_our_client_id_not_first_in_audiences_is_accepted_with_azp(platform):
    session = TestPlatform.session()
    resp = forged(platform, session, lambda c: c.update(aud=["other", platform.client_id]))
    assert resp.status_code == 303


def test_several_audiences_without_azp(platform):
    session = TestPlatform.session()

    def mutate(c):
        c["aud"] = [platform.client_id, "other"]
        c.pop("azp", None)

    resp = forged(platform, session, mutate)
    assert_rejected(platform, session, resp, 401, "missing_azp")


def test_azp_not_our_client(platform):
    session = TestPlatform.session()
    resp = forged(platform, session, lambda c: c.update(aud=[platform.client_id, "x"], azp="x"))
    assert resp.status_code in (400, 401)
    assert session.get(platform.tool_base_url + "/api/me").status_code == 401


def test_unknown_issuer(platform):
    session = TestPlatform.session()
    resp = forged(platform, session, lambda c: c.update(iss="https://evil.example"))
    assert_rejected(platform, session, resp, 400, "unknown_platform")


def test_unknown_deployment(platform):
    session = TestPlatform.session()
    deployment = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
    resp = forged(platform, session, lambda c: c.update({deployment: "other-deployment"}))
    assert_rejected(platform, session, resp, 403, "unknown_deployment")


def test_inactive_deployment(platform):
    db.session.execute(db.update(Deployment).values(active=False))
    db.session.commit()
    session = TestPlatform.session()
    result = platform.launch(session, "learner")
    assert_rejected(platform, session, result.response, 403, "unknown_deployment")


def test_inactive_platform(platform):
    db.session.execute(db.update(Platform).values(active=False))
    db.session.commit()
    session = TestPlatform.session()
    login = platform.begin_login(session, "learner")
    assert login.response.status_code == 400 and "(login_invalid)" in login.response.text
    claims = platform.claims_for("learner")
    resp = platform.post_launch(session, platform.sign(claims), "state-x")
    assert_rejected(platform, session, resp, 400, "unknown_platform")


def test_target_link_uri_elsewhere(platform):
    session = TestPlatform.session()
    target = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri"
    resp = forged(platform, session, lambda c: c.update({target: "https://evil.example/x"}))
    assert_rejected(platform, session, resp, 401, "bad_target_link_uri")


def test_login_for_a_foreign_target_link_uri(platform):
    session = TestPlatform.session()
    login = platform.begin_login(
        session, "learner", login_overrides={"target_link_uri": "https://evil.example/launch"}
    )
    assert login.response.status_code == 400
    assert "(login_invalid)" in login.response.text


def test_login_from_an_unknown_platform(platform):
    session = TestPlatform.session()
    login = platform.begin_login(session, "learner", login_overrides={"iss": "https://nope"})
    assert login.response.status_code == 400


@pytest.mark.parametrize(("id_token", "state", "reason"), [
    (None, "s", "missing_id_token"),
    ("a.b.c", None, "missing_state"),
    ("not-a-jwt", "s", "malformed_token"),
])  # fmt: skip
def test_malformed_posts(platform, id_token, state, reason):
    session = TestPlatform.session()
    resp = platform.post_launch(session, id_token, state)
    assert_rejected(platform, session, resp, 400, reason)


def test_unknown_role_is_refused(platform):
    session = TestPlatform.session()
    observer = "http://purl.imsglobal.org/vocab/lis/v2/membership#Observer"
    result = platform.launch(session, [observer])
    assert_rejected(platform, session, result.response, 403, "no_role")


def test_rejection_page_is_translated(platform):
    session = TestPlatform.session()
    session.headers["Accept-Language"] = "en"
    resp = platform.post_launch(session, None, "s")
    assert resp.status_code == 400
    assert '<html lang="en">' in resp.text
