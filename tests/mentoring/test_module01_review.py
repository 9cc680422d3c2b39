"""Done-when of the second edition: a mentor reviewing module 01's real assignment sees its
approval rule and its mentor guide (the real programme of modules/, not the sample)."""

from __future__ import annotations

import html
from datetime import timedelta
from pathlib import Path

import pytest

from catalyst_training.content.services import sync_modules
from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.learning import assignments, progress
from catalyst_training.learning.modules import current_module
from tests.mentoring.helpers import build_world, login

REAL = Path(__file__).resolve().parents[2] / "modules"
SLUG = "territoire-et-alliances"


@pytest.fixture
def real_world(app):
    """The real programme synced, then the mentoring world of the other tests."""
    app.config["CONTENT_PATH"] = str(REAL)
    sync_modules(str(REAL))
    db.session.commit()
    return build_world()


def test_a_mentor_reviewing_module_01_sees_the_rule_and_the_guide(client, real_world):
    module, version_id = current_module(SLUG)
    rule = module.assignment.approval
    guide = module.assignment.mentor_guide
    assert guide is not None
    learner = real_world.learner_a.id
    now = utcnow() - timedelta(hours=1)
    draft = assignments.editable_draft(learner, SLUG, version_id)
    assignments.save_draft(draft, "Ma carte des acteurs du territoire.", now)
    assignments.submit(draft, now)
    progress.evaluate(learner, module, now)
    db.session.commit()
    login(client, real_world.mentor_a, "mentor", real_world.context.id)
    page = client.get(f"/mentor/submissions/{draft.id}")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    share = f"{round(rule.min_share * 100)}\u00a0%"
    assert f"Validation : au moins {share} des points" in text
    assert "aucun critère au niveau le plus bas" in text
    assert "Guide du mentor" in text
    for criterion in module.assignment.rubric:
        assert criterion.title in text
    # The guide's annotated examples are on the page, with their notes.
    assert guide.good.notes[0] in text and guide.weak.notes[0] in text
