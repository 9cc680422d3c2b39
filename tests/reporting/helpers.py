"""A small programme world with progress, a decided submission and a delivered score."""

from __future__ import annotations

from datetime import timedelta

from catalyst_training.auth.models import ResourceLink
from catalyst_training.content.services import current_version
from catalyst_training.core.models import utcnow
from catalyst_training.delivery.models import DELIVERED, GradeDelivery
from catalyst_training.extensions import db
from catalyst_training.learning.models import ModuleProgress, Submission
from tests.mentoring.helpers import SLUG, World, build_world

INJECTED = '=HYPERLINK("http://evil")'


def build_reporting_world() -> World:
    """The mentoring world; learner A completed the module (approved), learner B started it."""
    world = build_world()
    now = utcnow()
    world.learner_a.email = "alice@example.org"
    world.learner_b.name = INJECTED
    version = current_version(SLUG)
    assert version is not None
    db.session.add_all(
        [
            ModuleProgress(
                user_id=world.learner_a.id, module_slug=SLUG, status="completed",
                lessons_viewed=2, lessons_total=2, quiz_attempts=2, best_quiz_percent=87.5,
                quiz_passed=True, assignment_state="approved", score=93.75,
                completed_at=now - timedelta(days=1), last_activity_at=now - timedelta(days=1),
            ),
            ModuleProgress(
                user_id=world.learner_b.id, module_slug=SLUG, status="in_progress",
                lessons_viewed=1, lessons_total=2, quiz_attempts=0,
                last_activity_at=now - timedelta(days=30),
            ),
            Submission(
                user_id=world.learner_a.id, module_slug=SLUG, module_version_id=version.id,
                number=1, state="approved", text="x", submitted_at=now - timedelta(days=3),
                decided_at=now - timedelta(days=2), decided_by_id=world.mentor_a.id,
            ),
            Submission(
                user_id=world.learner_b.id, module_slug=SLUG, module_version_id=version.id,
                number=1, state="submitted", text="y", submitted_at=now - timedelta(days=1),
            ),
        ]
    )  # fmt: skip
    link = ResourceLink(
        platform_id=world.platform.id, context_id=world.context.id, resource_link_id="rl-1"
    )
    db.session.add(link)
    db.session.flush()
    db.session.add(
        GradeDelivery(
            user_id=world.learner_a.id, platform_id=world.platform.id,
            resource_link_id=link.id, context_id=world.context.id, module_slug=SLUG,
            target_key="li:x", activity_progress="Completed", grading_progress="FullyGraded",
            score_given=93.75, state=DELIVERED, delivered_at=now - timedelta(hours=20),
        )
    )  # fmt: skip
    db.session.commit()
    return world
