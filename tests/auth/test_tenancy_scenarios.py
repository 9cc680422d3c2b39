"""Named regressions of issue 13: pages listing learner data show the reader's tenant only."""

from __future__ import annotations

from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.mentoring import audit
from tests.auth.tenancy import build_tenancy
from tests.mentoring.helpers import login


def _as(app, world, actor):
    client = app.test_client()
    person, role, run = world.actors[actor]
    login(client, person, role, run)
    return client


def test_deliveries_page_shows_only_the_readers_course_runs(app, programme):
    world = build_tenancy()
    owner = world.actors["owner"][0]
    name = owner.name
    for actor in ("coordinator_other_platform", "coordinator_other_run"):
        client = _as(app, world, actor)
        page = client.get("/console/deliveries/").get_data(as_text=True)
        assert name not in page and "refused" not in page, actor
        counts = client.get("/console/deliveries/status.json").get_json()["counts"]
        assert sum(counts.values()) == 0, actor
    for actor in ("coordinator_of_run", "local_coordinator"):
        client = _as(app, world, actor)
        assert name in client.get("/console/deliveries/").get_data(as_text=True), actor
        counts = client.get("/console/deliveries/status.json").get_json()["counts"]
        assert counts["dead"] == 1, actor


def test_audit_log_shows_only_the_readers_course_runs(app, programme):
    world = build_tenancy()
    secret = "déménagement confidentiel de la plateforme A"
    audit.record(
        world.actors["coordinator_of_run"][0].id,
        "cohort.move",
        f"user:{world.ids['learner']}",
        utcnow(),
        details={"to": world.ids["other_cohort"]},
        reason=secret,
    )
    db.session.commit()
    pages = {
        "coordinator_other_platform": "/console/manage",
        "coordinator_other_run": "/mentor/cohorts",
    }
    for actor, path in pages.items():
        page = _as(app, world, actor).get(path)
        assert page.status_code == 200, actor
        assert secret not in page.get_data(as_text=True), actor
    for actor, path in {
        "coordinator_of_run": "/mentor/cohorts",
        "local_coordinator": "/console/manage",
    }.items():
        page = _as(app, world, actor).get(path)
        assert secret in page.get_data(as_text=True), actor


def test_audit_entries_are_filed_under_their_course_run(app, programme):
    world = build_tenancy()
    entry = audit.record(None, "lease.break", f"submission:{world.ids['submission']}", utcnow())
    assert entry.context_id == world.ids["run"]
    cohort_entry = audit.record(None, "cohort.edit", f"cohort:{world.ids['cohort']}", utcnow())
    assert cohort_entry.context_id == world.ids["run"]
    assert audit.record(None, "territory.edit", "territory:1", utcnow()).context_id is None


def test_a_delivered_provisional_score_is_marked_not_shown(app, programme):
    from catalyst_training.delivery.models import DELIVERED, GradeDelivery

    world = build_tenancy()
    row = db.session.get(GradeDelivery, world.ids["delivery"])
    row.state, row.grading_progress, row.activity_progress = DELIVERED, "Pending", "Started"
    db.session.commit()
    page = _as(app, world, "coordinator_of_run").get("/console/deliveries/").get_data(as_text=True)
    assert "acceptée, non affichée par cette plateforme" in page
    other = _as(app, world, "coordinator_other_platform").get("/console/deliveries/")
    assert "acceptée, non affichée" not in other.get_data(as_text=True)
