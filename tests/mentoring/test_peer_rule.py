"""A module whose completion asks for a peer exchange completes once the learner took part."""

from dataclasses import replace
from datetime import date

from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.learning import progress, services
from catalyst_training.learning.modules import current_module
from catalyst_training.mentoring import peer
from tests.mentoring.helpers import SLUG


def test_peer_exchange_completes_the_module(world):
    module, _version = current_module(SLUG)
    rule = {"lessons": "all", "quiz": "none", "assignment": "none", "peer_exchange": "attended"}
    module = replace(module, completion=rule)
    learner = world.learner_a.id
    now = utcnow()
    for lesson in module.lessons:
        services.record_lesson_view(learner, SLUG, lesson.id, now)
    assert progress.evaluate(learner, module, now).status == "in_progress"
    peer.record_session(
        world.cohort_a, "visit", date(2026, 11, 20), world.cohort_b.territory, [learner],
        world.mentor_a.id,
    )  # fmt: skip
    row = progress.evaluate(learner, module, utcnow())
    assert row.status == "completed"
    db.session.commit()


def test_unknown_extra_rule_never_holds():
    assert progress.extra_rules_ok(1, {"lessons": "all", "visit_moon": "required"}) is False
    assert progress.extra_rules_ok(1, {"lessons": "all", "peer_exchange": "none"}) is True
