"""Coordinator management: one set of services behind the cohort page and the console's page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalyst_training.auth.models import Context, Membership, User
from catalyst_training.extensions import db
from catalyst_training.mentoring import placement, territories
from catalyst_training.mentoring.audit import entries
from catalyst_training.mentoring.models import AuditEntry, CohortMember, Territory
from tests.mentoring.helpers import csrf_token, local_coordinator, login, snapshot, user

HUGE = "99999999999999999999"
PAGES = ("console", "cohorts")


def post(client, page: str, context_pk: int | None, **data):
    """Post one management action from the console (naming the course run) or the cohort page."""
    data["csrf_token"] = csrf_token(client)
    if page == "console":
        if context_pk is not None:
            data.setdefault("context", context_pk)
        return client.post("/console/manage", data=data)
    return client.post("/mentor/cohorts", data=data)


def test_management_moves_are_audited(client, world):
    login(client, world.coordinator, "coordinator", world.context.id)
    page = client.get(f"/console/manage?context={world.context.id}").get_data(as_text=True)
    assert "Cohorte Lyon" in page
    resp = post(
        client, "console", world.context.id, action="move", user=world.learner_a.id,
        cohort=world.cohort_b.id, reason="déménagement",
    )  # fmt: skip
    assert resp.status_code == 303
    member = db.session.query(CohortMember).filter_by(user_id=world.learner_a.id).one()
    assert member.cohort_id == world.cohort_b.id
    assert any(e.action == "cohort.move" and e.reason == "déménagement" for e in entries(None))
    no_token = client.post("/console/manage", data={"action": "settings"})
    assert no_token.status_code == 400


@pytest.mark.parametrize("page", PAGES)
def test_every_web_change_is_audited(client, world, page):
    login(client, world.coordinator, "coordinator", world.context.id)
    ctx = world.context.id
    territory = world.cohort_a.territory_id
    changes = [
        ({"action": "cohort-new", "name": "Cohorte 2", "slug": "deux", "territory": territory,
          "starts_on": "2026-01-05", "ends_on": ""}, "cohort.create"),
        ({"action": "cohort-edit", "cohort": world.cohort_b.id, "name": "Corse", "territory":
          territory, "starts_on": "", "ends_on": ""}, "cohort.edit"),
        ({"action": "settings", "pick": "1"}, "settings.pick"),
        ({"action": "mentor", "user": world.mentor_b.id, "cohort": world.cohort_a.id},
         "cohort.mentor"),
    ]  # fmt: skip
    for data, action in changes:
        resp = post(client, page, ctx, **data)
        assert resp.status_code == 303, resp.get_data(as_text=True)
        assert entries(None, limit=1)[0].action == action
    assert territories.settings_for(ctx).learners_pick_territory is True
    assert territories.cohort_by_slug(ctx, "deux").starts_on.isoformat() == "2026-01-05"


@pytest.mark.parametrize("page", PAGES)
def test_course_run_coordinators_only_pick_territories(client, world, page):
    login(client, world.coordinator, "coordinator", world.context.id)
    before = snapshot()
    edit = post(
        client, page, world.context.id, action="territory-edit",
        territory=world.cohort_a.territory_id, name="Ailleurs", code="75056", region="",
    )  # fmt: skip
    new = post(client, page, world.context.id, action="territory-new", name="Paris", code="75056")
    assert (edit.status_code, new.status_code) == (400, 400)
    assert "liste commune" in new.get_data(as_text=True)
    assert snapshot() == before


def test_a_local_coordinator_edits_the_shared_territories(client, world):
    login(client, local_coordinator(), "coordinator", None)
    resp = post(
        client, "console", None, action="territory-edit", territory=world.cohort_a.territory_id,
        name="Lyon Métropole", code="69123", region="ARA",
    )  # fmt: skip
    assert resp.status_code == 303
    assert db.session.get(Territory, world.cohort_a.territory_id).name == "Lyon Métropole"
    resp = post(client, "console", None, action="territory-new", name="Paris", code="75056")
    assert resp.status_code == 303
    assert [e.action for e in entries(None, limit=2)] == ["territory.create", "territory.edit"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("action", ["move", "mentor"])
def test_coordinator_of_platform_b_cannot_move_or_make_mentor_a_user_of_platform_a(
    client, world, platform_b, page, action
):
    login(client, platform_b.coordinator, "coordinator", platform_b.context.id)
    target = world.learner_a if action == "move" else world.mentor_a
    before = snapshot()
    resp = post(
        client, page, platform_b.context.id, action=action, user=target.id,
        cohort=platform_b.cohort.id, reason="vol",
    )  # fmt: skip
    assert resp.status_code == 400
    assert "pas ce rôle dans cette session" in resp.get_data(as_text=True)
    if page == "console":  # naming platform A's course run and cohort instead
        resp = post(
            client, page, world.context.id, action=action, user=target.id,
            cohort=world.cohort_b.id, reason="vol",
        )  # fmt: skip
        assert resp.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("page", PAGES)
def test_a_person_who_is_not_a_member_of_the_course_run_cannot_be_moved_or_made_mentor(
    client, world, page
):
    other = Context(platform_id=world.platform.id, context_id="course-2", title="Autre")
    db.session.add(other)
    db.session.flush()
    stranger = user(world.platform, other, "l-x", "learner", "Learner X")
    foreign_mentor = user(world.platform, other, "m-x", "mentor", "Mentor X")
    nobody = User(platform_id=world.platform.id, sub="nobody")
    db.session.add(nobody)
    db.session.commit()
    login(client, world.coordinator, "coordinator", world.context.id)
    before = snapshot()
    attempts = [
        ("move", stranger), ("move", nobody), ("mentor", foreign_mentor), ("mentor", nobody),
        ("move", world.mentor_a), ("mentor", world.learner_b),  # members, but not in that role
    ]  # fmt: skip
    for action, person in attempts:
        resp = post(
            client, page, world.context.id, action=action, user=person.id,
            cohort=world.cohort_b.id, reason="r",
        )  # fmt: skip
        assert resp.status_code == 400, (action, person.sub)
    assert snapshot() == before


FORMS = {
    "move": {"user": "{learner}", "cohort": "{cohort}", "reason": "r"},
    "mentor": {"user": "{mentor}", "cohort": "{cohort}"},
    "cohort-new": {"name": "N", "slug": "n", "territory": "{territory}"},
    "cohort-edit": {"cohort": "{cohort}", "name": "N", "territory": "{territory}"},
    "territory-edit": {"territory": "{territory}", "name": "N", "code": "75056"},
}


def _malformed_posts(world, value):
    ids = {"learner": world.learner_a.id, "mentor": world.mentor_b.id,
           "cohort": world.cohort_b.id, "territory": world.cohort_a.territory_id}  # fmt: skip
    for action, fields in FORMS.items():
        good = {k: v.format(**ids) for k, v in fields.items()}
        for name, template in fields.items():
            if template.startswith("{"):
                yield {"action": action, **good, name: value}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("value", ["abc", "1e3", "-1", "0", " ", HUGE, "²", "1" * 400])
def test_malformed_ids_on_management_forms_are_4xx(client, world, page, value):
    login(client, world.coordinator, "coordinator", world.context.id)
    before = snapshot()
    for data in _malformed_posts(world, value):
        resp = post(client, page, world.context.id, **data)
        assert resp.status_code == 400, (data, resp.status_code)
    if page == "console":
        resp = post(client, page, world.context.id, action="settings", context=value)
        assert 400 <= resp.status_code < 500
    assert snapshot() == before


def test_malformed_ids_in_urls_and_queries_are_never_500(client, world):
    login(client, world.coordinator, "coordinator", world.context.id)
    expected = {
        f"/mentor/learners/{HUGE}": 404, f"/mentor/submissions/{HUGE}": 404,
        f"/mentor/?cohort={HUGE}": 200, f"/mentor/queue?cohort={HUGE}": 200,
        f"/console/?territory={HUGE}&cohort=-1&context=abc": 200,
        f"/console/cohorts/{HUGE}": 404, f"/console/territories/{HUGE}": 404,
        f"/console/learners/{HUGE}": 404, f"/console/manage?context={HUGE}": 404,
        "/console/manage?context=abc": 404,
    }  # fmt: skip
    for path, status in expected.items():
        assert client.get(path).status_code == status, path
    before = snapshot()
    for bad in ({"cohort": "abc"}, {"host": HUGE}, {"participants": HUGE}, {"held_on": "x"}):
        data = {
            "cohort": world.cohort_a.id,
            "kind": "visit",
            "held_on": "2026-03-01",
            "host": world.cohort_a.territory_id,
            "participants": world.learner_a.id,
            **bad,
        }
        data["csrf_token"] = csrf_token(client)
        assert client.post("/mentor/peer", data=data).status_code == 400, bad
    assert snapshot() == before


def test_a_learner_picking_a_malformed_cohort_gets_a_400(client, world):
    learner = world.learner_a
    db.session.delete(placement.membership_of(learner.id, world.context.id))
    territories.settings_for(world.context.id).learners_pick_territory = True
    db.session.commit()
    login(client, learner, "learner", world.context.id)
    for value in ("abc", HUGE, "-3"):
        resp = client.post("/mentor/territory", data={"csrf_token": csrf_token(client),
                                                      "cohort": value})  # fmt: skip
        assert resp.status_code == 400 and "Cohorte inconnue" in resp.get_data(as_text=True)
    assert placement.membership_of(learner.id, world.context.id) is None
    picked = client.post(
        "/mentor/territory", data={"csrf_token": csrf_token(client), "cohort": world.cohort_b.id}
    )
    assert picked.status_code == 302
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == (
        "cohort.pick"
    )
    assert db.session.scalar(select(Membership.id).filter_by(user_id=learner.id))
