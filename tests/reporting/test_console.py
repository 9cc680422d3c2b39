"""Console pages over HTTP: overview, drill-down, download, management and CSV import."""

from __future__ import annotations

import csv
import io

from catalyst_training.extensions import db
from catalyst_training.mentoring.audit import entries
from catalyst_training.mentoring.models import CohortMember, Territory
from tests.mentoring.helpers import csrf_token, login


def test_overview_figures_and_charts(client, world):
    login(client, world.coordinator, "coordinator", world.context.id)
    page = client.get("/console/").get_data(as_text=True)
    assert 'id="fig-learners">2<' in page
    assert 'id="fig-backlog">1<' in page  # learner B's submission waits
    assert 'id="fig-stalled">1<' in page  # learner B: 30 days without activity
    assert "<svg" in page and 'role="img"' in page and "<caption>" in page
    only_lyon = client.get(f"/console/?cohort={world.cohort_a.id}").get_data(as_text=True)
    assert 'id="fig-learners">1<' in only_lyon


def test_learner_role_is_refused(client, world):
    login(client, world.learner_a, "learner", world.context.id)
    assert client.get("/console/").status_code == 403
    assert client.get("/console/").status_code == 403


def test_drill_down(client, world):
    login(client, world.coordinator, "coordinator", world.context.id)
    page = client.get("/console/territories").get_data(as_text=True)
    assert "Lyon" in page and "Corse-du-Sud" in page
    t_page = client.get(f"/console/territories/{world.cohort_a.territory_id}").get_data(
        as_text=True
    )
    assert "Cohorte Lyon" in t_page and "Cohorte Corse" not in t_page
    c_page = client.get(f"/console/cohorts/{world.cohort_a.id}").get_data(as_text=True)
    assert "Learner A" in c_page and "Terminé" in c_page
    file = client.get(f"/console/learners/{world.learner_a.id}")
    assert file.status_code == 200 and "Learner A" in file.get_data(as_text=True)


def test_download_streams_and_is_audited(client, world):
    login(client, world.coordinator, "coordinator", world.context.id)
    token = csrf_token(client)
    resp = client.post(
        f"/console/export?cohort={world.cohort_a.id}",
        data={"csrf_token": token, "format": "csv", "separator": ";"},
    )
    assert resp.status_code == 200 and resp.is_streamed
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.get_data().decode("utf-8-sig")), delimiter=";"))
    assert [r["learner_sub"] for r in rows] == ["l-a"]
    logged = [e for e in entries() if e.action == "export.completions"]
    assert logged[0].actor_id == world.coordinator.id
    assert logged[0].details["rows"] == 1 and logged[0].details["filters"]["cohort_id"]
    assert client.post("/console/export", data={"format": "csv"}).status_code == 400


def test_management_moves_are_audited(client, world):
    login(client, world.coordinator, "coordinator", world.context.id)
    token = csrf_token(client)
    page = client.get(f"/console/manage?context={world.context.id}").get_data(as_text=True)
    assert "Cohorte Lyon" in page
    resp = client.post(
        "/console/manage",
        data={
            "csrf_token": token, "action": "move", "context": world.context.id,
            "user": world.learner_a.id, "cohort": world.cohort_b.id, "reason": "déménagement",
        },
    )  # fmt: skip
    assert resp.status_code == 303
    member = db.session.query(CohortMember).filter_by(user_id=world.learner_a.id).one()
    assert member.cohort_id == world.cohort_b.id
    assert any(e.action == "cohort.move" and e.reason == "déménagement" for e in entries())
    client.post(
        "/console/manage",
        data={
            "csrf_token": token, "action": "territory-edit",
            "territory": world.cohort_a.territory_id,
            "name": "Lyon Métropole", "code": "69123", "region": "ARA",
        },
    )  # fmt: skip
    assert db.session.get(Territory, world.cohort_a.territory_id).name == "Lyon Métropole"
    no_token = client.post("/console/manage", data={"action": "settings"})
    assert no_token.status_code == 400


CSV_OK = (
    "type;context;territory;name;region;cohort;starts_on;ends_on;sub\n"
    "territory;;38185;Grenoble;Auvergne-Rhône-Alpes;;;;\n"
    "cohort;course-1;38185;Cohorte Grenoble;;grenoble;2026-01-01;2026-06-30;\n"
    "mentor;course-1;;;;grenoble;;;m-b\n"
    "learner;course-1;;;;grenoble;;;l-a\n"
)


def test_csv_import_preview_then_apply(client, world):
    login(client, world.coordinator, "coordinator", world.context.id)
    token = csrf_token(client)
    bad = CSV_OK.replace("38185;Grenoble", "ZZZ;Grenoble").replace(";l-a", ";nobody")
    resp = client.post(
        "/console/import",
        data={"csrf_token": token, "file": (io.BytesIO(bad.encode()), "t.csv")},
        content_type="multipart/form-data",
    )
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Ligne 2" in text and "Ligne 5" in text
    assert db.session.query(Territory).filter_by(code="38185").count() == 0
    preview = client.post(
        "/console/import",
        data={"csrf_token": token, "file": (io.BytesIO(CSV_OK.encode()), "t.csv")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200 and "Aperçu" in preview.get_data(as_text=True)
    assert db.session.query(Territory).filter_by(code="38185").count() == 0
    done = client.post(
        "/console/import", data={"csrf_token": token, "content": CSV_OK, "confirm": "1"}
    )
    assert done.status_code == 200 and "4 lignes appliquées" in done.get_data(as_text=True)
    member = db.session.query(CohortMember).filter_by(user_id=world.learner_a.id).one()
    assert member.cohort.slug == "grenoble"
    assert world.mentor_b in member.cohort.mentors
