"""The coordinator's page of LRS deliveries: what failed and why, re-queue, email choice."""

from __future__ import annotations

from catalyst_training.delivery.models import DEAD, PENDING
from catalyst_training.delivery.xapi.models import LrsEndpoint, XapiStatement
from catalyst_training.extensions import db
from tests.auth.tenancy import build_tenancy
from tests.mentoring.helpers import csrf_token, login


def _client(app, world, actor):
    person, role, run = world.actors[actor]
    client = app.test_client()
    login(client, person, role, run)
    return client


def test_coordinator_sees_the_dead_statement_and_sends_it_again(app, programme):
    world = build_tenancy()
    client = _client(app, world, "coordinator_of_run")
    page = client.get("/console/deliveries/lrs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "https://lrs.test/xAPI/" in text and "refused" in text and "a lancé" in text
    assert "compte sur la plateforme" in text  # shown, not changeable by one course run
    assert 'name="send_email"' not in text
    resp = client.post(
        "/console/deliveries/lrs/requeue",
        data={"statement": world.ids["statement"], "csrf_token": csrf_token(client)},
    )
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(XapiStatement, world.ids["statement"]).state == PENDING


def test_other_platforms_and_learners_see_nothing_of_it(app, programme):
    world = build_tenancy()
    other = _client(app, world, "coordinator_other_platform").get("/console/deliveries/lrs")
    assert other.status_code == 200
    assert "refused" not in other.get_data(as_text=True)
    assert "https://lrs.test/xAPI/" not in other.get_data(as_text=True)
    assert _client(app, world, "owner").get("/console/deliveries/lrs").status_code == 403
    assert db.session.get(XapiStatement, world.ids["statement"]).state == DEAD


def test_a_local_coordinator_lets_the_lrs_receive_emails(app, programme):
    world = build_tenancy()
    client = _client(app, world, "local_coordinator")
    assert 'name="send_email"' in client.get("/console/deliveries/lrs").get_data(as_text=True)
    resp = client.post(
        "/console/deliveries/lrs/email",
        data={"endpoint": world.ids["lrs"], "send_email": "y", "csrf_token": csrf_token(client)},
    )
    assert resp.status_code == 303
    assert db.session.get(LrsEndpoint, world.ids["lrs"]).send_email is True
    page = client.get("/console/deliveries/lrs").get_data(as_text=True)
    assert "adresse e-mail" in page


def test_a_coordinator_of_one_run_cannot_change_it(app, programme):
    world = build_tenancy()
    client = _client(app, world, "coordinator_of_run")
    resp = client.post(
        "/console/deliveries/lrs/email",
        data={"endpoint": world.ids["lrs"], "send_email": "y", "csrf_token": csrf_token(client)},
    )
    assert resp.status_code == 404  # a platform-wide setting: not one course run's to change
    assert db.session.get(LrsEndpoint, world.ids["lrs"]).send_email is False
