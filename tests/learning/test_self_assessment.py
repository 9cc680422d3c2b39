"""The alliance-maturity self-assessment: start and end takings, side by side, kept, private."""

from __future__ import annotations

import html
import json
import shutil

import pytest
from sqlalchemy import func, select

from catalyst_training.content.services import sync_modules
from catalyst_training.extensions import db
from catalyst_training.learning.models import ModuleProgress, ScoreEvent, SelfAssessmentResult
from tests.conftest import SAMPLE_CONTENT
from tests.mentoring.helpers import build_world, csrf_token, login

TWO_DIMENSIONS = """\
title: "Maturité d’alliance du territoire"
intro: "Situez votre territoire sur chaque dimension."
dimensions:
  - id: connaissance-des-acteurs
    title: "Connaissance des acteurs"
    question: "Savez-vous qui agit sur votre territoire ?"
    levels:
      - {value: 1, label: "Débutant", descriptor: "Moins de cinq acteurs sont connus."}
      - {value: 2, label: "En progrès", descriptor: "Cinq à neuf acteurs sont connus."}
      - {value: 3, label: "Avancé", descriptor: "Dix acteurs ou plus, de trois familles."}
      - {value: 4, label: "Expert", descriptor: "Une carte des acteurs est tenue à jour."}
  - id: gouvernance
    title: "Gouvernance partagée"
    question: "Qui décide des actions communes ?"
    levels:
      - {value: 1, label: "Aucune", descriptor: "Chaque acteur décide seul."}
      - {value: 2, label: "Informelle", descriptor: "Des réunions sans règle écrite."}
      - {value: 3, label: "Écrite", descriptor: "Des règles du jeu signées."}
      - {value: 4, label: "Éprouvée", descriptor: "Règles écrites et révisées une fois."}
"""


@pytest.fixture
def world(app, tmp_path):
    """The sample programme with a two-dimension self-assessment, and the mentoring world."""
    root = tmp_path / "programme"
    shutil.copytree(SAMPLE_CONTENT, root)
    (root / "self_assessment.yaml").write_text(TWO_DIMENSIONS, encoding="utf-8")
    app.config["CONTENT_PATH"] = str(root)
    report = sync_modules(root)
    assert not report.problems, report.problems
    db.session.commit()
    return build_world()


def _as(client, world, who="learner_a"):
    person = getattr(world, who)
    role = "learner" if who.startswith("learner") else "mentor"
    login(client, person, role, world.context.id)
    return client


def _text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def _take(client, phase: str, acteurs: int, gouvernance: int, token: str | None = None):
    data = {"dim_connaissance_des_acteurs": acteurs, "dim_gouvernance": gouvernance}
    data["csrf_token"] = token if token is not None else csrf_token(client)
    return client.post(f"/learn/self-assessment/{phase}", data=data)


def _rows() -> list[SelfAssessmentResult]:
    db.session.expire_all()
    return list(db.session.scalars(select(SelfAssessmentResult).order_by(SelfAssessmentResult.id)))


def test_the_form_is_a_radio_group_per_dimension(client, world):
    page = _as(client, world).get("/learn/self-assessment/start")
    assert page.status_code == 200
    text = _text(page)
    assert text.count("<fieldset") == 2 and "<legend>1. Connaissance des acteurs</legend>" in text
    assert 'name="csrf_token"' in text and 'type="radio"' in text
    assert "Niveau 3 sur 4 : Avancé" in text
    assert "ne compte ni pour la validation des modules ni pour les notes" in text


def test_start_then_end_side_by_side(client, world):
    _as(client, world)
    results = _text(client.get("/learn/self-assessment/"))
    assert "à faire en début de parcours" in results and "à faire en fin de parcours" in results
    assert _take(client, "start", 1, 2).status_code == 302
    results = _text(client.get("/learn/self-assessment/"))
    assert "Niveau 1 sur 4 : Débutant" in results and "Niveau 2 sur 4 : Informelle" in results
    assert "à faire en fin de parcours" in results
    assert _take(client, "end", 3, 2).status_code == 302
    results = _text(client.get("/learn/self-assessment/"))
    assert "à faire en fin de parcours" not in results
    assert "Niveau 3 sur 4 : Avancé" in results and "+2 niveaux" in results and "stable" in results
    assert "1 dimension(s) en progrès, 1 stable(s), 0 en recul, sur 2" in results
    row = [r for r in _rows()]
    assert [(r.phase, r.answers, r.context_id) for r in row] == [
        ("start", {"connaissance-des-acteurs": 1, "gouvernance": 2}, world.context.id),
        ("end", {"connaissance-des-acteurs": 3, "gouvernance": 2}, world.context.id),
    ]


def test_retaking_keeps_every_taking_and_shows_the_latest(client, world):
    _as(client, world)
    _take(client, "start", 1, 1)
    form = _text(client.get("/learn/self-assessment/start"))
    assert "Vous l’avez déjà faite le" in form and 'value="1" checked' in form
    _take(client, "start", 2, 3)
    assert [r.answers["gouvernance"] for r in _rows()] == [1, 3]
    results = _text(client.get("/learn/self-assessment/"))
    assert "Niveau 3 sur 4 : Écrite" in results and "Niveau 1 sur 4 : Aucune" not in results
    assert "(2 fois, la plus récente est affichée)" in results


def test_it_counts_neither_for_completion_nor_for_grades(client, world):
    def state():
        db.session.expire_all()
        return (db.session.scalar(select(func.count()).select_from(ScoreEvent)),
                db.session.scalar(select(func.count()).select_from(ModuleProgress)))  # fmt: skip

    _as(client, world)
    before = state()
    _take(client, "start", 4, 4)
    assert state() == before


def test_csrf_and_incomplete_answers_are_refused(client, world):
    _as(client, world)
    assert _take(client, "start", 1, 2, token="forged").status_code == 400
    resp = client.post("/learn/self-assessment/start",
                       data={"csrf_token": csrf_token(client), "dim_gouvernance": 2})  # fmt: skip
    assert resp.status_code == 400 and "Choisissez un niveau" in _text(resp)
    assert _take(client, "start", 9, 2).status_code == 400  # not a level of the dimension
    assert client.get("/learn/self-assessment/middle").status_code == 404
    assert _rows() == []


def test_another_learner_sees_only_their_own_and_staff_are_refused(app, world):
    first = _as(app.test_client(), world)
    _take(first, "start", 1, 4)
    other = _as(app.test_client(), world, "learner_b")
    results = _text(other.get("/learn/self-assessment/"))
    assert "Niveau 4 sur 4" not in results and "à faire en début de parcours" in results
    mentor = _as(app.test_client(), world, "mentor_a")
    assert mentor.get("/learn/self-assessment/").status_code == 403
    assert mentor.get("/learn/self-assessment/start").status_code == 403


def test_the_module_and_progress_pages_link_to_it_for_learners(app, world):
    learner = _as(app.test_client(), world)
    module = _text(learner.get("/learn/m/module-exemple/"))
    assert "Autoévaluation de la maturité d’alliance" in module
    assert 'href="/learn/self-assessment/start"' in module
    assert 'href="/learn/self-assessment/"' in _text(learner.get("/learn/progress"))
    mentor = _as(app.test_client(), world, "mentor_a")
    assert "/learn/self-assessment/" not in _text(mentor.get("/learn/m/module-exemple/"))


def test_export_and_erasure_include_the_self_assessments(client, world, cli):
    _as(client, world)
    _take(client, "start", 2, 3)
    result = cli("users", "export", "--platform", "P", "--sub", world.learner_a.sub)
    assert result.exit_code == 0, result.output
    (taken,) = json.loads(result.stdout)["learning"]["self_assessments"]
    assert taken["phase"] == "start" and taken["answers"]["gouvernance"] == 3
    result = cli("users", "erase", "--platform", "P", "--sub", world.learner_a.sub, "--yes")
    assert result.exit_code == 0, result.output
    assert _rows() == []


def test_the_mentor_of_the_cohort_reads_it_in_the_learner_file(app, world):
    _take(_as(app.test_client(), world), "start", 2, 3)
    mentor = _as(app.test_client(), world, "mentor_a")
    page = mentor.get(f"/mentor/learners/{world.learner_a.id}")
    text = _text(page)
    assert page.status_code == 200 and "(lecture seule)" in text
    assert "Niveau 3 sur 4 : Écrite" in text and "à faire en fin de parcours" in text
    other = _as(app.test_client(), world, "mentor_b")
    assert other.get(f"/mentor/learners/{world.learner_a.id}").status_code in {403, 404}
