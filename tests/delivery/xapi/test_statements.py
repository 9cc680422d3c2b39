"""Statements recorded for events the journey test does not reach, and the LRS's refusals."""

from __future__ import annotations

import uuid
from datetime import date

import requests
from sqlalchemy import select

from catalyst_training.delivery.models import DEAD, DELIVERED
from catalyst_training.delivery.xapi import endpoints
from catalyst_training.delivery.xapi.models import XapiStatement
from catalyst_training.extensions import db
from catalyst_training.mentoring import peer
from tests.delivery.xapi.helpers import drain_xapi, of
from tests.delivery.xapi.ralph import HEADERS, PASSWORD, USER
from tests.mentoring.helpers import build_world


def _peer(world, day: int, kind: str = "visit") -> None:
    """Learner A attends a peer exchange of their cohort on 2026-03-<day>."""
    peer.record_session(
        world.cohort_a,
        kind,
        date(2026, 3, day),
        world.cohort_a.territory,
        [world.learner_a.id],
        world.mentor_a.id,
    )


def _rows(verb: str) -> list[XapiStatement]:
    return list(db.session.scalars(select(XapiStatement).filter_by(verb=verb)))


def test_a_peer_exchange_is_attended_by_each_participant(app, programme, lrs, ralph_server):
    world = build_world()
    _peer(world, 2)
    db.session.commit()
    (row,) = _rows("attended")
    body = row.body
    assert body["verb"]["id"] == "http://adlnet.gov/expapi/verbs/attended"
    assert body["object"]["definition"]["type"] == "http://id.tincanapi.com/activitytype/meeting"
    assert body["actor"]["account"] == {"homePage": "https://p.test", "name": "l-a"}
    grouping = [a["id"] for a in body["context"]["contextActivities"]["grouping"]]
    assert any("/xapi/cohorts/" in g for g in grouping)
    assert any("/xapi/course-runs/" in g for g in grouping)
    assert body["timestamp"] == "2026-03-02T00:00:00.000Z"
    drain_xapi()
    assert [s["id"] for s in of(ralph_server.statements(), "l-a")] == [body["id"]]


def test_no_lrs_no_statement_and_other_platforms_unaffected(app, programme):
    world = build_world()
    _peer(world, 2)
    db.session.commit()
    assert _rows("attended") == []
    # An LRS of another platform does not receive this platform's people.
    from tests.mentoring.helpers import add_platform_b

    other = add_platform_b(world)
    endpoints.configure(other.platform.id, "https://lrs.other.test/xAPI/", "u", "p")
    db.session.commit()
    _peer(world, 3, "meeting")
    db.session.commit()
    assert _rows("attended") == []


def test_emails_only_when_enabled(app, programme, lrs):
    world = build_world()
    world.learner_a.email = "learner.a@example.org"
    lrs.send_email = True
    db.session.commit()
    _peer(world, 2)
    db.session.commit()
    (row,) = _rows("attended")
    assert row.body["actor"] == {"objectType": "Agent", "mbox": "mailto:learner.a@example.org"}


def test_a_statement_the_lrs_refuses_is_dead_alone(app, programme, lrs, ralph_server):
    world = build_world()
    for day in (2, 3, 4):
        _peer(world, day)
    db.session.commit()
    rows = _rows("attended")
    assert len(rows) == 3
    ids = [r.id for r in rows]
    # Someone else already stored a different statement under the id of the second one.
    squatter = {**rows[1].body, "verb": {"id": "http://adlnet.gov/expapi/verbs/terminated"}}
    squatter["actor"] = {"objectType": "Agent", "mbox": f"mailto:{uuid.uuid4().hex}@example.org"}
    resp = requests.post(
        ralph_server.base_url + "statements",
        json=[squatter],
        auth=(USER, PASSWORD),
        headers=HEADERS,
        timeout=10,
    )
    assert resp.status_code == 200, resp.text
    counts = drain_xapi()
    assert counts == {"delivered": 2, "dead": 1}
    db.session.expire_all()
    states = {r.id: r.state for r in _rows("attended")}
    assert states == {ids[0]: DELIVERED, ids[1]: DEAD, ids[2]: DELIVERED}
    dead = db.session.get(XapiStatement, ids[1])
    assert dead.response_status == 409 and "409" in dead.last_error


def test_wrong_credentials_delay_and_lose_nothing(app, programme, clock, ralph_server):
    endpoints.configure(None, ralph_server.base_url, USER, "not-the-password")
    world = build_world()
    _peer(world, 2)
    db.session.commit()
    from catalyst_training.delivery.xapi import transport

    assert transport.run_batch("w", clock) == {"pending": 1}
    (row,) = _rows("attended")
    assert row.response_status == 401 and "credentials" in row.last_error
    endpoints.configure(None, ralph_server.base_url, USER, PASSWORD)
    db.session.commit()
    assert drain_xapi() == {"delivered": 1}
