"""What the second edition adds to lesson and module pages: objectives, key points, resources,
the source credit, durations, and the programme glossary with glossary: links."""

from __future__ import annotations

import html
import re

import pytest

from catalyst_training.content.services import sync_modules
from catalyst_training.extensions import db
from tests.mentoring.helpers import build_world, login

SLUG = "module-exemple"


@pytest.fixture
def learner(app, client):
    """A learner of the sample programme, logged in."""
    report = sync_modules(app.config["CONTENT_PATH"])
    assert not report.problems, report.problems
    db.session.commit()
    world = build_world()
    login(client, world.learner_a, "learner", world.context.id)
    return client


def _text(resp) -> str:
    assert resp.status_code == 200
    return html.unescape(resp.get_data(as_text=True))


def test_lesson_shows_its_objectives_first_and_the_takeaways_after_the_last_lesson(learner):
    text = _text(learner.get(f"/learn/m/{SLUG}/lessons/premiere-lecon"))
    objectives = text.index("Objectifs de la leçon")
    assert objectives < text.index("Une leçon courte pour les tests")
    assert "<li>Être capable de lire une leçon courte.</li>" in text
    assert text.index("À retenir") > text.index("Une autre section")  # the last lesson
    assert "<li>Un quiz vérifie la compréhension.</li>" in text
    assert "s’appuie sur un entretien avec le président fondateur du RAMEAU" in text
    assert "5 minutes" in text


def test_module_page_shows_durations_key_points_and_resources(learner):
    text = _text(learner.get(f"/learn/m/{SLUG}/"))
    assert "Durée estimée\u00a0: 20 minutes" in text  # the module
    assert "Durée estimée\u00a0: 5 minutes" in text and "Durée estimée\u00a0: 10 minutes" in text
    assert "(5 minutes)" in text  # the lesson
    assert '<h2 id="key-points-title">À retenir</h2>' in text
    link = (
        '<a href="https://www.lerameau.fr/" rel="noopener" target="_blank">Centre de ressources '
        'du RAMEAU<span class="visually-hidden"> (nouvelle fenêtre)</span></a>'
    )
    assert link in text and "— Le RAMEAU. La source des idées du programme." in text
    assert "Il n’est pas une formation du RAMEAU." in text
    assert 'href="/learn/glossary"' in text


def test_glossary_links_of_lessons_reach_their_term(learner):
    text = _text(learner.get(f"/learn/m/{SLUG}/lessons/premiere-lecon"))
    assert '<a href="/learn/glossary#epci">EPCI</a>' in text
    glossary = _text(learner.get("/learn/glossary"))
    assert '<dt id="epci" tabindex="-1">EPCI</dt>' in glossary
    # Alphabetical (accents and case ignored), see-also links to the other anchors.
    assert glossary.index(">Communauté de communes<") < glossary.index(">EPCI<")
    see_also = r'Voir aussi\u00a0:\s*<a href="#communaute-de-communes">Communauté de communes</a>'
    assert re.search(see_also, glossary)


def test_programme_page_links_the_glossary(learner):
    assert 'href="/learn/glossary"' in _text(learner.get("/learn/progress"))


def test_an_empty_glossary_says_so(app, learner, tmp_path):
    app.config["CONTENT_PATH"] = str(tmp_path)
    assert "pas encore publié" in _text(learner.get("/learn/glossary"))
