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
    module, version_id = current_module(SLUG)
    learner = learner or world.learner_a
    when = utcnow() - timedelta(days=days_ago)
    demo_steps.complete_module(learner.id, world.mentor_a.id, module, version_id, when, "Travail")
    db.session.commit()
