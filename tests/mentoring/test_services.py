"""Territories, placement, leases and reviews through the services."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.learning.models import ModuleProgress, ScoreEvent
from catalyst_training.learning.modules import current_module
from catalyst_training.mentoring import leases, placement, review, territories
from catalyst_training.mentoring.models import AuditEntry, CohortMember
from catalyst_training.mentoring.territories import MentoringError
from tests.mentoring.helpers import SLUG, submit_work


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("75056", "commune"),
        ("2A004", "commune"),
        ("2b033", "commune"),
        ("200046977", "epci"),
        ("69", "department"),
        ("2A", "department"),
        ("974", "department"),
        ("01", "department"),
    ],
)
def test_valid_codes(code, kind):
    assert territories.code_kind(code) == kind


@pytest.mark.parametrize(
    "code", ["", "7505", "750560", "2C004", "20", "00", "977", "12345678", "1234567890", "AB", "96"]
)
def test_invalid_codes(code):
    with pytest.raises(MentoringError):
        territories.code_kind(code)


def test_placement_by_custom_parameters(world):
    a = db.session.scalar(select(CohortMember).filter_by(user_id=world.learner_a.id))
    b = db.session.scalar(select(CohortMember).filter_by(user_id=world.learner_b.id))
    assert (a.cohort_id, a.source) == (world.cohort_a.id, "launch")
    assert b.cohort_id == world.cohort_b.id  # territory=2a found the Corsican cohort


def test_coordinator_move_is_audited_and_sticky(world):
    now = utcnow()
    with pytest.raises(MentoringError):
        placement.move_learner(world.coordinator.id, world.learner_a.id, world.cohort_b, " ", now)
    placement.move_learner(world.coordinator.id, world.learner_a.id, world.cohort_b, "moved", now)
    placement.place_from_launch(
        world.learner_a.id, world.context.id, "learner", {"cohort": "lyon"}, now
    )
    member = placement.membership_of(world.learner_a.id, world.context.id)
    assert member.cohort_id == world.cohort_b.id and member.source == "coordinator"
    entry = db.session.scalars(select(AuditEntry).filter_by(action="cohort.move")).one()
    assert entry.reason == "moved" and entry.actor_id == world.coordinator.id
    entry.reason = "tampered"
    with pytest.raises(ValueError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_one_cohort_per_learner_and_context(world):
    db.session.add(
        CohortMember(
            cohort_id=world.cohort_b.id,
            user_id=world.learner_a.id,
            context_id=world.context.id,
            source="x",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_learner_picks_territory_only_when_allowed(world):
    new = world.learner_a
    db.session.delete(placement.membership_of(new.id, world.context.id))
    db.session.flush()
    assert not placement.needs_territory_choice(new.id, world.context.id)
    with pytest.raises(MentoringError):
        placement.pick_territory(new.id, world.context.id, world.cohort_b.id, utcnow())
    territories.settings_for(world.context.id).learners_pick_territory = True
    assert placement.needs_territory_choice(new.id, world.context.id)
    placement.pick_territory(new.id, world.context.id, world.cohort_b.id, utcnow())
    assert not placement.needs_territory_choice(new.id, world.context.id)


def test_lease_is_exclusive_expires_and_can_be_broken(world):
    sub = submit_work(world.learner_a.id)
    now = utcnow()
    assert leases.claim(sub.id, world.mentor_a.id, now)
    assert not leases.claim(sub.id, world.mentor_b.id, now)
    assert leases.claim(sub.id, world.mentor_a.id, now)  # the holder renews
    later = now + timedelta(minutes=16)
    assert not leases.renew(sub.id, world.mentor_a.id, later)
    assert leases.claim(sub.id, world.mentor_b.id, later)  # expired: free again
    assert leases.break_lease(sub.id, world.coordinator.id, "absent", later) == world.mentor_b.id
    assert leases.claim(sub.id, world.mentor_a.id, later)
    assert db.session.scalars(select(AuditEntry).filter_by(action="lease.break")).one()


def test_return_then_approve_updates_progress_and_score_events(world):
    module, _v = current_module(SLUG)
    sub = submit_work(world.learner_a.id)
    now = utcnow()
    draft = review.Draft(levels={"clarte": "correct"}, comment="Bien", private_note="entre nous")
    with pytest.raises(MentoringError, match="lease_lost"):
        review.save_draft(sub, module.assignment, world.mentor_a.id, draft, now)
    assert leases.claim(sub.id, world.mentor_a.id, now)
    review.save_draft(sub, module.assignment, world.mentor_a.id, draft, now)
    with pytest.raises(MentoringError, match="reason_required"):
        review.decide(sub, module, world.mentor_a.id, "return", draft, now)
    draft.reason = "Précisez les acteurs."
    review.decide(sub, module, world.mentor_a.id, "return", draft, now)
    db.session.commit()
    assert sub.state == "returned" and sub.return_reason == "Précisez les acteurs."
    second = submit_work(world.learner_a.id, "Version 2")
    assert second.number == 2
    assert leases.claim(second.id, world.mentor_a.id, now)
    full = review.Draft(levels={"clarte": "excellent"}, comment="Parfait")
    review.decide(second, module, world.mentor_a.id, "approve", full, now)
    db.session.commit()
    assert second.state == "approved" and second.score_percent == 100.0
    row = db.session.scalars(select(ModuleProgress).filter_by(user_id=world.learner_a.id)).one()
    assert row.assignment_state == "approved"
    assert db.session.scalars(select(ScoreEvent).filter_by(user_id=world.learner_a.id)).all()
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("grade.return") == 1 and actions.count("grade.approve") == 1
    assert leases.current(second.id, now) is None  # released after the decision
