"""CSV import: preview then all-or-nothing apply, within the importer's own course runs."""

from __future__ import annotations

import io

from sqlalchemy import select

from catalyst_training.extensions import db
from catalyst_training.mentoring import csv_rows, placement, territories
from catalyst_training.mentoring.audit import entries
from catalyst_training.mentoring.models import Cohort, CohortMember, Territory
from tests.mentoring.helpers import csrf_token, local_coordinator, login, snapshot

HEADER = "type;context;territory;name;region;cohort;starts_on;ends_on;sub\n"
CSV_OK = (
    HEADER + "territory;;38185;Grenoble;Auvergne-Rhône-Alpes;;;;\n"
    "cohort;course-1;38185;Cohorte Grenoble;;grenoble;2026-01-01;2026-06-30;\n"
    "mentor;course-1;;;;grenoble;;;m-b\n"
    "learner;course-1;;;;grenoble;;;l-a\n"
)


def upload(client, text: str | bytes):
    """Send a file for preview."""
    raw = text.encode() if isinstance(text, str) else text
    return client.post(
        "/console/import",
        data={"csrf_token": csrf_token(client), "file": (io.BytesIO(raw), "t.csv")},
        content_type="multipart/form-data",
    )


def confirm(client, text: str):
    """Apply the previewed content."""
    data = {"csrf_token": csrf_token(client), "content": text, "confirm": "1"}
    return client.post("/console/import", data=data)


def test_csv_import_preview_then_apply(client, world):
    login(client, local_coordinator(), "coordinator", None)
    bad = CSV_OK.replace("38185;Grenoble", "ZZZ;Grenoble").replace(";l-a", ";nobody")
    resp = upload(client, bad)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Ligne 2" in text and "Ligne 5" in text
    assert db.session.query(Territory).filter_by(code="38185").count() == 0
    preview = upload(client, CSV_OK)
    assert preview.status_code == 200 and "Aperçu" in preview.get_data(as_text=True)
    assert db.session.query(Territory).filter_by(code="38185").count() == 0
    done = confirm(client, CSV_OK)
    assert done.status_code == 200 and "4 lignes appliquées" in done.get_data(as_text=True)
    member = db.session.query(CohortMember).filter_by(user_id=world.learner_a.id).one()
    assert member.cohort.slug == "grenoble"
    assert world.mentor_b in member.cohort.mentors
    logged = [(e.action, e.details.get("source")) for e in entries(None, limit=5)]
    assert logged == [
        ("import.csv", None), ("cohort.move", "import"), ("cohort.mentor", "import"),
        ("cohort.create", "import"), ("territory.create", "import"),
    ]  # fmt: skip


def test_import_updates_of_territories_and_cohorts_are_audited(client, world):
    login(client, local_coordinator(), "coordinator", None)
    text = HEADER + "territory;;69123;Lyon 2;ARA;;;;\ncohort;course-1;69123;Lyon B;;lyon;;;\n"
    assert confirm(client, text).status_code == 200
    assert [e.action for e in entries(None, limit=3)] == [
        "import.csv",
        "cohort.edit",
        "territory.edit",
    ]
    assert db.session.get(Cohort, world.cohort_a.id).name == "Lyon B"


def test_a_course_run_coordinator_cannot_import_territories(client, world):
    login(client, world.coordinator, "coordinator", world.context.id)
    resp = upload(client, CSV_OK)
    assert resp.status_code == 422
    assert "Ligne 2" in resp.get_data(as_text=True) and "shared list" in resp.get_data(as_text=True)


def test_csv_import_with_two_platforms_sharing_a_context_id_touches_only_the_importer_platform(
    app, client, world, platform_b
):
    mine = (
        HEADER + "cohort;course-1;69123;Cohorte B bis;;b-bis;;;\n"
        "learner;course-1;;;;b-bis;;;l-a\n"
        "mentor;course-1;;;;cohorte-b;;;m-a\n"
    )
    login(client, platform_b.coordinator, "coordinator", platform_b.context.id)
    assert upload(client, mine).status_code == 200
    done = confirm(client, mine)
    assert done.status_code == 200 and "3 lignes appliquées" in done.get_data(as_text=True)
    cohort = db.session.scalars(select(Cohort).filter_by(slug="b-bis")).one()
    assert cohort.context_id == platform_b.context.id
    assert placement.membership_of(platform_b.learner.id, platform_b.context.id).cohort == cohort
    assert placement.membership_of(world.learner_a.id, world.context.id).cohort == world.cohort_a
    assert platform_b.mentor in platform_b.cohort.mentors
    assert world.mentor_a not in platform_b.cohort.mentors
    client = app.test_client()
    login(client, world.coordinator, "coordinator", world.context.id)
    theirs = upload(client, HEADER + "learner;course-1;;;;cohorte-b;;;l-a\n")
    assert theirs.status_code == 422 and "unknown cohort" in theirs.get_data(as_text=True)
    client = app.test_client()
    login(client, local_coordinator(), "coordinator", None)
    ambiguous = upload(client, HEADER + "learner;course-1;;;;lyon;;;l-a\n")
    assert ambiguous.status_code == 422
    assert "several platforms" in ambiguous.get_data(as_text=True)


def test_csv_import_refuses_an_oversized_field_with_its_line_number(client, world):
    login(client, local_coordinator(), "coordinator", None)
    before = snapshot()
    for size in (csv_rows.MAX_FIELD + 1, 200 * 1024):  # ours, then past the csv module's limit
        text = HEADER + "territory;;38185;Grenoble;;;;;\n" + f"territory;;38000;{'x' * size};;;;;\n"
        resp = upload(client, text)
        assert resp.status_code == 422
        page = resp.get_data(as_text=True)
        assert "Ligne 3" in page and "x" * 100 not in page
        assert confirm(client, text).status_code == 422
    assert snapshot() == before


def test_csv_import_refuses_a_file_over_the_limit_with_its_line(client, world, monkeypatch):
    monkeypatch.setattr(csv_rows, "MAX_BYTES", 200)
    login(client, local_coordinator(), "coordinator", None)
    text = HEADER + "".join(f"territory;;3800{i};Ville {i};;;;;\n" for i in range(10))
    resp = upload(client, text)
    assert resp.status_code == 413
    line = text.encode()[:200].count(b"\n") + 1
    assert f"Ligne {line}" in resp.get_data(as_text=True)
    assert territories.territory_by_code("38000") is None


def test_read_rows_limits_lines_and_the_csv_module_limit_keeps_the_line(monkeypatch):
    monkeypatch.setattr(csv_rows, "MAX_LINES", 3)
    rows, errors = csv_rows.read_rows(HEADER + "territory;;1;a\n" * 5)
    assert rows == [] and errors[0][0] == 4
    rows, errors = csv_rows.read_rows(HEADER + "territory;;1;" + "a" * 200_000 + "\n")
    assert rows == [] and errors[0][0] == 2 and "field" in errors[0][1]
