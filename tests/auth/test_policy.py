"""The policy table covers every endpoint, is enforced, and ends sessions that no longer hold."""

from __future__ import annotations

import pytest
import requests
from flask import Blueprint
from sqlalchemy import delete, select

from catalyst_training import create_app
from catalyst_training.auth import policy
from catalyst_training.auth.models import Membership, User
from catalyst_training.extensions import db
from catalyst_training.lti.models import Deployment, Platform
from tests.conftest import base_config
from tests.lti.test_token_session import cookieless, launch_token
from tests.platform import TestPlatform

TIMEOUT = 5


def _endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()}


def test_every_endpoint_has_a_line_and_no_line_is_stale(tmp_path):
    app = create_app(
        {**base_config(tmp_path), "DEMO": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    )
    endpoints = _endpoints(app)
    missing = sorted(endpoints - set(policy.POLICY))
    assert not missing, f"add these endpoints to catalyst_training/auth/policy.py: {missing}"
    stale = sorted(set(policy.POLICY) - endpoints)
    assert not stale, f"lines for endpoints that no longer exist: {stale}"


def test_every_line_is_well_formed():
    scopes = {policy.NONE, policy.OWN, policy.OWN_OR_RUN, policy.ACTING_RUN, policy.FOLLOWED}
    scopes |= {policy.COURSE_RUN, policy.REFERENCE, policy.PLATFORM_WIDE}
    for endpoint, rule in policy.POLICY.items():
        assert rule.scope in scopes, endpoint
        assert rule.public or rule.roles, f"{endpoint}: a protected line names its roles"
        assert not (rule.public and rule.roles), f"{endpoint}: public lines name no roles"


def test_an_endpoint_without_a_line_is_refused(tmp_path, caplog):
    app = create_app({**base_config(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    extra = Blueprint("unlisted", __name__)
    extra.add_url_rule("/unlisted", "page", lambda: "secret")
    app.register_blueprint(extra)
    with app.test_client() as client:
        response = client.get("/unlisted")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)
    assert "unlisted.page has no line in the policy table" in caplog.text


@pytest.mark.parametrize("path", ["/learn/", "/mentor/", "/console/", "/console/deliveries/"])
def test_protected_pages_need_a_session(client, path):
    assert client.get(path).status_code == 401


def _platform_row(platform: TestPlatform) -> Platform:
    db.session.expire_all()
    return db.session.scalars(select(Platform).filter_by(client_id=platform.client_id)).one()


def _launched(platform: TestPlatform, user_id: str) -> tuple[requests.Session, str]:
    """A browser with a launched learner session (cookie) and the launch's token."""
    browser = TestPlatform.session()
    result = platform.launch(browser, "learner", user_id=user_id)
    assert result.response.status_code == 303
    token = launch_token(platform, user_id=user_id)
    base = platform.tool_base_url
    assert browser.get(f"{base}/learn/", timeout=TIMEOUT).status_code == 200
    assert cookieless().get(f"{base}/learn/?lt={token}", timeout=TIMEOUT).status_code == 200
    return browser, token


def _refused(platform: TestPlatform, browser: requests.Session, token: str) -> None:
    base = platform.tool_base_url
    assert browser.get(f"{base}/learn/", timeout=TIMEOUT).status_code == 401
    assert cookieless().get(f"{base}/learn/?lt={token}", timeout=TIMEOUT).status_code == 401
    me = cookieless().get(f"{base}/api/me", headers={"X-Launch-Token": token}, timeout=TIMEOUT)
    assert me.status_code == 401


def test_deactivating_the_platform_ends_its_sessions_and_tokens(platform):
    browser, token = _launched(platform, "u-platform-off")
    _platform_row(platform).active = False
    db.session.commit()
    _refused(platform, browser, token)


def test_deactivating_the_deployment_ends_its_sessions_and_tokens(platform):
    browser, token = _launched(platform, "u-deployment-off")
    for deployment in _platform_row(platform).deployments:
        deployment.active = False
    db.session.commit()
    _refused(platform, browser, token)
    assert db.session.scalar(select(db.func.count(Deployment.id)))  # kept, only deactivated


def test_a_removed_membership_ends_its_sessions_and_tokens(platform):
    browser, token = _launched(platform, "u-membership-gone")
    user = db.session.scalars(select(User).filter_by(sub="u-membership-gone")).one()
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    db.session.commit()
    _refused(platform, browser, token)
    assert db.session.get(User, user.id) is not None  # the person's data stays
