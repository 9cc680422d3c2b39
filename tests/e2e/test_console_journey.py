"""Browser journey: a coordinator launched from the platform filters, drills down, downloads."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest

from catalyst_training.auth.models import Context, Membership, User
from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.learning.models import ModuleProgress
from catalyst_training.lti.models import Platform
from catalyst_training.mentoring import placement, territories
from tests.e2e.conftest import REPO_ROOT
from tests.e2e.test_mentor_journey import SLUG, open_direct

pytestmark = pytest.mark.browser
SHOTS = REPO_ROOT / "test-output" / "reporting"


@pytest.fixture
def programme_world(platform):
    """Two territories, a cohort each, five learners with progress on the platform's course."""
    plat = db.session.query(Platform).one()
    ctx = Context(platform_id=plat.id, context_id="course-v1:FUN+CAT+2026", title="CAT")
    db.session.add(ctx)
    db.session.flush()
    lyon = territories.create_territory("Lyon", "69123", "Auvergne-Rhône-Alpes")
    corse = territories.create_territory("Ajaccio", "2A004", "Corse")
    territories.create_cohort("Cohorte Lyon", "lyon", lyon, ctx.id)
    territories.create_cohort("Cohorte Ajaccio", "ajaccio", corse, ctx.id)
    now = utcnow()
    for i in range(5):
        user = User(platform_id=plat.id, sub=f"learner-{i}", name=f"Apprenant {i}")
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user_id=user.id, context_id=ctx.id, role="learner"))
        slug = "lyon" if i < 3 else "ajaccio"
        placement.place_from_launch(user.id, ctx.id, "learner", {"cohort": slug}, now)
        done = i % 2 == 0
        db.session.add(
            ModuleProgress(
                user_id=user.id, module_slug=SLUG, status="completed" if done else "in_progress",
                lessons_viewed=2 if done else 1, lessons_total=2, quiz_attempts=1,
                best_quiz_percent=80.0 + i, quiz_passed=done,
                completed_at=now - timedelta(days=i) if done else None,
                last_activity_at=now - timedelta(days=i),
            )
        )  # fmt: skip
    db.session.commit()
    return ctx


def _expected(cohort_slug: str) -> dict[str, str]:
    rows = db.session.execute(
        db.select(User.sub, ModuleProgress.status)
        .join(ModuleProgress, ModuleProgress.user_id == User.id)
        .where(User.sub.like("learner-%"))
    ).all()
    lyon = {"learner-0", "learner-1", "learner-2"}
    return {s: st for s, st in rows if (s in lyon) == (cohort_slug == "lyon")}


def test_coordinator_console_journey(browser, platform, live, programme_world, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = open_direct(browser, platform, live, "coordinator", "coord-1", "Claire Coord")
    assert "/console/" in page.url
    assert page.locator("#fig-learners").inner_text() == "5"
    page.screenshot(path=str(SHOTS / "1-overview.png"), full_page=True)

    page.get_by_label("Territoire").select_option(label="Lyon (69123)")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert page.locator("#fig-learners").inner_text() == "3"
    assert (
        "Module d'exemple" in page.get_by_role("table", name="Progression par module").inner_text()
    )
    page.screenshot(path=str(SHOTS / "2-filtered-lyon.png"), full_page=True)

    page.get_by_role("link", name="Territoires et cohortes").click()
    page.get_by_role("link", name="Lyon").click()
    page.get_by_role("link", name="Cohorte Lyon").click()
    learners = page.get_by_role("table", name="Apprenants de la cohorte et statut par module")
    assert "Apprenant 0" in learners.inner_text() and "Apprenant 4" not in learners.inner_text()
    page.screenshot(path=str(SHOTS / "3-cohort.png"), full_page=True)

    page.get_by_role("link", name="Vue d'ensemble et export de cette cohorte").click()
    page.get_by_label("Format").select_option("csv")
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger").click()
    csv_path = tmp_path / info.value.suggested_filename
    info.value.save_as(csv_path)
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text("utf-8-sig")), delimiter=";"))
    assert {r["learner_sub"]: r["status"] for r in rows} == _expected("lyon")
    assert all(r["cohort"] == "Cohorte Lyon" and r["learner_name"] == "" for r in rows)

    page.get_by_label("Format").select_option("xlsx")
    page.get_by_label("Inclure noms et adresses électroniques").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger").click()
    xlsx_path = tmp_path / info.value.suggested_filename
    info.value.save_as(xlsx_path)
    assert xlsx_path.suffix == ".xlsx"
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(xlsx_path, read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    found = {r[header.index("learner_sub")]: r for r in values[1:]}
    assert {k: v[header.index("status")] for k, v in found.items()} == _expected("lyon")
    assert found["learner-0"][header.index("learner_name")] == "Apprenant 0"
    page.screenshot(path=str(SHOTS / "4-export-form.png"), full_page=True)
    Path(SHOTS / "README.txt").write_text("Screenshots of tests/reporting/test_browser.py\n")
