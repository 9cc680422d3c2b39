"""Console pages over HTTP: overview, drill-down and download (management: tests/mentoring)."""

from __future__ import annotations

import csv
import io

from catalyst_training.mentoring.audit import entries
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
    logged = [e for e in entries(None) if e.action == "export.completions"]
    assert logged[0].actor_id == world.coordinator.id
    assert logged[0].details["rows"] == 1 and logged[0].details["filters"]["cohort_id"]
    assert client.post("/console/export", data={"format": "csv"}).status_code == 400
