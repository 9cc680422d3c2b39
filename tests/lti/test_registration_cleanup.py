"""Dynamic registration: rate limited per IP; registrations that never complete are removed by
the worker after REGISTRATION_EXPIRY_HOURS (audited); approved, launched or CLI ones stay."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select, update

from catalyst_training.auth.models import User
from catalyst_training.delivery import worker
from catalyst_training.extensions import db
from catalyst_training.lti import registry
from catalyst_training.lti.models import Deployment, Platform
from catalyst_training.mentoring import audit
from catalyst_training.mentoring.models import AuditEntry
from tests.lti.test_dynamic_registration import TOKEN, TOOL_CONF, FakeMoodle

HOURS = 3600


def _register(client, moodle: FakeMoodle, client_id: str):
    moodle.answer = {"client_id": client_id, TOOL_CONF: {"deployment_id": "7"}}
    query = {"openid_configuration": moodle.config_url, "registration_token": TOKEN}
    return client.get("/lti/register", query_string=query)


def _platforms() -> dict[str, Platform]:
    db.session.expire_all()
    return {p.client_id: p for p in db.session.scalars(select(Platform))}


def _upkeep(clock) -> int:
    return worker.upkeep(clock)["registrations"]


def test_registrations_that_never_complete_are_removed_and_audited(app, client, cli, moodle, clock):
    for client_id in ("stale", "approved", "launched", "handled", "audited"):
        assert _register(client, moodle, client_id).status_code == 200
    cli("platform", "add", "--issuer", "https://cli.example.org", "--client-id", "by-cli",
        "--auth-login-url", "https://cli.example.org/auth", "--auth-token-url",
        "https://cli.example.org/token", "--key-set-url", "https://cli.example.org/jwks",
        "--deployment-id", "1")  # fmt: skip
    rows = _platforms()
    rows["by-cli"].active = False  # added by hand, inactive: not a registration to clean up
    db.session.add(User(platform_id=rows["launched"].id, sub="someone"))
    # Enabled then disabled again at once (`platform enable|disable` audit what they do).
    audit.record(None, "platform.disable", f"platform:{rows['audited'].id}", clock.now())
    db.session.commit()
    assert cli("platform", "approve", "--client-id", "approved", moodle.base_url).exit_code == 0
    # Approved then disabled an hour later (someone took it in hand), never launched.
    db.session.execute(
        update(Platform)
        .where(Platform.client_id == "handled")
        .values(updated_at=rows["handled"].created_at + timedelta(hours=1))
    )
    db.session.commit()
    assert _upkeep(clock) == 0  # all younger than 24 hours
    clock.advance(23 * HOURS)
    assert _upkeep(clock) == 0
    clock.advance(2 * HOURS)
    assert worker.run(threading.Event(), once=True, clock=clock) is not None  # upkeep at start
    assert set(_platforms()) == {"approved", "launched", "handled", "audited", "by-cli"}
    assert db.session.scalar(select(db.func.count(Deployment.id))) == 5  # none orphaned
    (entry,) = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "platform.registration_expired")
    )
    assert entry.actor_id is None and entry.target.startswith("platform:")
    assert entry.details["client_id"] == "stale" and entry.details["issuer"] == moodle.base_url
    assert _upkeep(clock) == 0


def test_expiry_setting(app, clock):
    platform = registry.add_platform(
        issuer="https://lms.example.org", client_id="dyn", auth_login_url="https://lms.example.org/a",
        auth_token_url="https://lms.example.org/t", key_set_url="https://lms.example.org/k",
        deployment_ids=["1"], active=False,
    )  # fmt: skip
    platform.extra = {"registered_by": "dynamic-registration"}
    db.session.commit()
    app.config["REGISTRATION_EXPIRY_HOURS"] = 0  # never
    clock.advance(1000 * HOURS)
    assert _upkeep(clock) == 0
    app.config["REGISTRATION_EXPIRY_HOURS"] = 2
    assert _upkeep(clock) == 1 and _platforms() == {}


def test_register_is_rate_limited_per_ip(client):
    codes = [client.get("/lti/register").status_code for _ in range(11)]
    assert codes[:10] == [400] * 10 and codes[10] == 429
    refused = client.get("/lti/register")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "enregistrement" in refused.get_data(as_text=True)
    other = client.get("/lti/register", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 400  # another address has its own counter
