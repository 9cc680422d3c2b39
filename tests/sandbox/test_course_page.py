"""The sandbox course page says what each launch will show."""

from __future__ import annotations

import shutil

import pytest
from flask_babel import refresh

from catalyst_training import create_app
from catalyst_training.content.services import sync_modules
from catalyst_training.extensions import db
from catalyst_training.sandbox.seed import seed_and_commit
from catalyst_training.sandbox.services import register_sandbox
from tests.conftest import TEST_DB, _truncate_all, base_config

NBSP = "\u00a0"


@pytest.fixture
def demo_app(tmp_path, migrated_template):
    """The app in demo mode on a migrated database, with the sample programme."""
    instance = tmp_path / "instance"
    instance.mkdir()
    if migrated_template is not None:
        shutil.copy(migrated_template, instance / "catalyst.sqlite3")
    app = create_app({**base_config(instance), "DEMO": True})
    with app.app_context():
        sync_modules(app.config["CONTENT_PATH"])
        db.session.commit()
        register_sandbox("http://127.0.0.1:5000")
        yield app
        db.session.remove()
        if TEST_DB:
            _truncate_all()
        db.engine.dispose()


def test_the_page_says_what_each_launch_shows(demo_app):
    client = demo_app.test_client()
    empty = client.get("/sandbox/", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert f"Pas encore de données de démonstration{NBSP}:" in empty
    seed_and_commit("http://127.0.0.1:5000")
    page = client.get("/sandbox/", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert "Ce que montre chaque lancement" in page
    cohort = f"«{NBSP}Cohorte Creuse – Guéret{NBSP}»"
    assert f"Apprenant·e{NBSP}: Camille Apprenante" in page and cohort in page
    assert "17 apprenant·es et 4 travaux en attente de correction" in page
    assert "31 apprenant·es dans 2 cohortes" in page
    assert "catalyst-training demo --fresh" in page


def test_the_page_in_english(demo_app):
    client = demo_app.test_client()
    seed_and_commit("http://127.0.0.1:5000")
    refresh()  # the test's long app context keeps the locale Flask-Babel chose before
    page = client.get(
        "/sandbox/", base_url="http://127.0.0.1:5000", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "What each launch shows" in page
