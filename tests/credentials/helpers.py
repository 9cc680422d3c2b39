"""A learner who completed the sample programme, through the real services."""

from __future__ import annotations

from datetime import timedelta

from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.learning.modules import current_module
from catalyst_training.sandbox import demo_steps
from tests.mentoring.helpers import SLUG, World


def complete_programme(world: World, learner=None, days_ago: int = 10) -> None:
    """The learner (A by default) completes the sample module; the mentor approves; commit."""
    complete_module(world, SLUG, learner, days_ago)


SECOND = "module-deux"


def two_module_programme(app, tmp_path) -> None:
    """The sample programme plus a copy of its module (slug `module-deux`, order 2), synced."""
    import shutil
    from pathlib import Path

    from catalyst_training.content.services import sync_modules

    root = tmp_path / "programme"
    shutil.copytree(Path(app.config["CONTENT_PATH"]), root)
    shutil.copytree(root / "01-module-exemple", root / "02-module-deux")
    yaml = root / "02-module-deux" / "module.yaml"
    text = yaml.read_text("utf-8").replace(f"slug: {SLUG}", f"slug: {SECOND}")
    text = text.replace('title: "Module d\'exemple"', 'title: "Deuxième module"')
    yaml.write_text(text.replace("order: 1", "order: 2"), "utf-8")
    app.config["CONTENT_PATH"] = str(root)
    report = sync_modules(str(root))
    assert not report.problems, report.problems
    db.session.commit()


def complete_module(world: World, slug: str, learner=None, days_ago: int = 10) -> None:
    """The learner (A by default) completes one module of the programme; commit."""
    module, version_id = current_module(slug)
    learner = learner or world.learner_a
    when = utcnow() - timedelta(days=days_ago)
    demo_steps.complete_module(learner.id, world.mentor_a.id, module, version_id, when, "Travail")
    db.session.commit()
