"""The grading queue's rows carry each column into the right attribute (read by label)."""

from datetime import date, timedelta

from catalyst_training.core.models import aware, utcnow
from catalyst_training.extensions import db
from catalyst_training.learning.modules import current_module
from catalyst_training.mentoring import leases, queue, review
from catalyst_training.mentoring.access import Viewer
from tests.mentoring.helpers import SLUG, submit_work


def _coordinator(world) -> Viewer:
    return Viewer(world.coordinator.id, "coordinator", world.context.id)


def test_each_attribute_holds_its_own_column(world):
    first = submit_work(world.learner_a.id, days_ago=2)
    second = submit_work(world.learner_b.id, days_ago=1)
    now = utcnow()
    assert leases.claim(first.id, world.mentor_a.id, now)
    db.session.commit()

    items = queue.queue(_coordinator(world), queue.QueueFilters(), now)

    assert [i.submission_id for i in items] == [first.id, second.id]  # oldest first
    held, free = items
    assert (held.user_id, held.learner, held.cohort) == (
        world.learner_a.id,
        "Learner A",
        "Cohorte Lyon",
    )
    assert (held.module_slug, held.number, held.overdue, held.state) == (
        SLUG,
        1,
        False,
        "submitted",
    )
    assert held.submitted_at == aware(first.submitted_at)  # stored naive by SQLite
    assert (held.lease_holder, held.lease_holder_id) == ("Mentor A", world.mentor_a.id)
    assert (free.user_id, free.learner, free.cohort) == (
        world.learner_b.id,
        "Learner B",
        "Cohorte Corse",
    )
    assert (free.lease_holder, free.lease_holder_id) == (None, None)


def test_an_expired_lease_shows_no_holder(world):
    sub = submit_work(world.learner_a.id)
    now = utcnow()
    assert leases.claim(sub.id, world.mentor_a.id, now)
    db.session.commit()

    (item,) = queue.queue(_coordinator(world), queue.QueueFilters(), now + timedelta(days=1))

    assert (item.lease_holder, item.lease_holder_id) == (None, None)


def test_a_version_handed_in_after_the_new_date_is_overdue(world):
    module, _version = current_module(SLUG)
    sub = submit_work(world.learner_a.id, days_ago=3)
    now = utcnow()
    assert leases.claim(sub.id, world.mentor_a.id, now)
    past = (now - timedelta(days=2)).date()
    draft = review.Draft(levels={}, reason="Précisez.", new_due_on=date(past.year, past.month,
                                                                         past.day))  # fmt: skip
    review.decide(sub, module, world.mentor_a.id, "return", draft, now)
    db.session.commit()
    late = submit_work(world.learner_a.id, "Version 2")

    (item,) = queue.queue(_coordinator(world), queue.QueueFilters(), utcnow())
    overdue_only = queue.queue(_coordinator(world), queue.QueueFilters(state="overdue"), utcnow())

    assert (item.submission_id, item.number, item.overdue, item.state) == (
        late.id,
        2,
        True,
        "overdue",
    )
    assert [i.submission_id for i in overdue_only] == [late.id]
