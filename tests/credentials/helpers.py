"""A learner who completed the sample programme, through the real services."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

from catalyst_training.content.services import sync_modules
from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.learning.modules import current_module
from catalyst_training.sandbox import demo_steps
from tests.mentoring.helpers import SLUG, World


def complete_programme(world: World, learner=None, days_ago: int = 10) -> None:
    """The learner (A by default) completes the sample module; the mentor approves; commit."""
    complete_module(world, SLUG, learner, days_ago)


SECOND = "module-deux"


def copy_module(root: Path, source: str, target: str, slug: str, order: int, title: str) -> None:
    """Copy a module folder under a new slug, order and title, then sync the programme."""
    shutil.copytree(root / source, root / target)
    yaml = root / target / "module.yaml"
    text = yaml.read_text("utf-8")
    text = re.sub(r"(?m)^slug: .*$", f"slug: {slug}", text)
    text = re.sub(r"(?m)^title: .*$", f'title: "{title}"', text)
    yaml.write_text(re.sub(r"(?m)^order: .*$", f"order: {order}", text), "utf-8")
    report = sync_modules(str(root))
    assert not report.problems, report.problems
    db.session.commit()


def two_module_programme(app, tmp_path: Path) -> None:
    """The sample programme plus a copy of its module (slug `module-deux`, order 2), synced."""
    root = tmp_path / "programme"
    shutil.copytree(Path(app.config["CONTENT_PATH"]), root)
    app.config["CONTENT_PATH"] = str(root)
    copy_module(root, "01-module-exemple", "02-module-deux", SECOND, 2, "Deuxième module")


def complete_module(world: World, slug: str, learner=None, days_ago: int = 10) -> None:
    """The learner (A by default) completes one module of the programme; commit."""
    module, version_id = current_module(slug)
    learner = learner or world.learner_a
    when = utcnow() - timedelta(days=days_ago)
    demo_steps.complete_module(learner.id, world.mentor_a.id, module, version_id, when, "Travail")
    db.session.commit()
