"""Events: what happened that someone should be told, recorded in the same transaction.

core.events tells us of work handed in, a mentor's decision and a module completed (learning and
mentoring emit them from their services); we add the events of the people concerned (the
learner's mentors, the learner). Rolled back with the change, never recorded without it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, aliased

from ..auth import roles
from ..auth.models import Membership, User
from ..core import events
from ..core.clock import clock_of
from ..extensions import db
from ..learning.models import COMPLETED, ModuleProgress, Submission
from ..mentoring.models import CohortMember, cohort_mentors
from .addresses import addresses_of
from .consent import NEW_KEY, consenting, new_events
from .models import (
    APPROVED as EV_APPROVED,
)
from .models import (
    COMMENTED,
    LEARNER,
    MENTOR,
    MODULE_COMPLETED,
    PROGRAMME_COMPLETED,
    NotificationEvent,
)
from .models import (
    RETURNED as EV_RETURNED,
)
from .models import (
    SUBMITTED as EV_SUBMITTED,
)

# The decisions a learner is told of, by the decision a mentor made (core.events.DECIDED).
DECISION_KINDS = {"approve": EV_APPROVED, "return": EV_RETURNED, "comment": COMMENTED}


def mentors_of(session: Session, learner_id: int) -> list[tuple[int, int, int | None]]:
    """(mentor id, course run, platform) of the cohorts a learner is placed in, same platform."""
    mentor, learner = aliased(User), aliased(User)
    return [
        tuple(row)
        for row in session.execute(
            select(cohort_mentors.c.user_id, CohortMember.context_id, learner.platform_id)
            .join(CohortMember, CohortMember.cohort_id == cohort_mentors.c.cohort_id)
            .join(learner, learner.id == CohortMember.user_id)
            .join(mentor, mentor.id == cohort_mentors.c.user_id)
            .where(CohortMember.user_id == learner_id)
            # Tenancy: a mentor of another platform is never told about this platform's learner.
            .where(mentor.platform_id == learner.platform_id)
            .distinct()
        )
    ]


def learner_run(session: Session, learner_id: int) -> tuple[int | None, int | None]:
    """(course run, platform) a learner's messages belong to: their cohort's, else their latest."""
    row = session.execute(
        select(CohortMember.context_id, User.platform_id)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.user_id == learner_id)
        .limit(1)
    ).first()
    if row is None:
        row = session.execute(
            select(Membership.context_id, User.platform_id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.user_id == learner_id, Membership.role == roles.LEARNER)
            .order_by(Membership.id.desc())
            .limit(1)
        ).first()
    if row is None:
        user = session.get(User, learner_id)
        return None, user.platform_id if user else None
    return row[0], row[1]


def wanted(user_ids, audience: str) -> set[int]:
    """The people who want this audience's messages and can be reached (nothing kept for others)."""
    wanting = consenting(user_ids, audience)
    return wanting & set(addresses_of(wanting)) if wanting else set()


def _event(recipient: int, audience: str, kind: str, **values: Any) -> NotificationEvent:
    return NotificationEvent(recipient_id=recipient, audience=audience, kind=kind, **values)


def _submission_event(sub: Submission, kind: str) -> None:
    """Tell the learner's mentors (work handed in) or the learner (a decision on their work)."""
    session = db.session
    now = clock_of().now()  # when we learned of it, on the clock that schedules the messages
    common = {"learner_id": sub.user_id, "module_slug": sub.module_slug, "created_at": now}
    if kind == EV_SUBMITTED:
        found = mentors_of(session, sub.user_id)
        wanting = wanted({m for m, _c, _p in found}, MENTOR)
        seen = set()
        for mentor_id, context_id, platform_id in found:
            if mentor_id in wanting and mentor_id not in seen:
                seen.add(mentor_id)
                ev = _event(
                    mentor_id,
                    MENTOR,
                    kind,
                    context_id=context_id,
                    platform_id=platform_id,
                    **common,
                )
                _link(session, ev, sub)
    elif wanted([sub.user_id], LEARNER):
        context_id, platform_id = learner_run(session, sub.user_id)
        ev = _event(
            sub.user_id, LEARNER, kind, context_id=context_id, platform_id=platform_id, **common
        )
        _link(session, ev, sub)


def on_event(event: events.Event) -> None:
    """core.events listener: work handed in, a mentor's decision, a module completed."""
    if event.kind == events.SUBMITTED:
        _submission_event(event.subject, EV_SUBMITTED)
    elif event.kind == events.DECIDED:
        kind = DECISION_KINDS.get(event.data.get("decision"))
        # A comment with nothing written tells the learner nothing.
        if kind is not None and (kind != COMMENTED or event.subject.feedback):
            _submission_event(event.subject, kind)
    elif event.kind == events.MODULE_COMPLETED:
        on_module_completed(event.user_id, event.data["slug"])


def _link(session: Session, ev: NotificationEvent, sub: Submission) -> None:
    """Add the event; the relationship fills in a new submission's id when both are flushed."""
    ev.submission = sub
    session.add(ev)
    session.info[NEW_KEY] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(NEW_KEY, False):
        new_events.set()  # the next worker round schedules at once


def _after_rollback(session: Session) -> None:
    session.info.pop(NEW_KEY, None)


def on_module_completed(user_id: int, slug: str) -> None:
    """The learner is told of the module they completed (and of the programme, once)."""
    from ..credentials import facts

    if not wanted([user_id], LEARNER):
        return
    now = clock_of().now()  # when we learned of it, on the clock that schedules the messages
    context_id, platform_id = learner_run(db.session, user_id)
    common = {"learner_id": user_id, "context_id": context_id, "platform_id": platform_id}
    db.session.add(
        _event(user_id, LEARNER, MODULE_COMPLETED, module_slug=slug, created_at=now, **common)
    )
    db.session.info[NEW_KEY] = True
    slugs = set(facts.programme().slugs)
    done = set(
        db.session.scalars(
            select(ModuleProgress.module_slug).where(
                ModuleProgress.user_id == user_id, ModuleProgress.status == COMPLETED
            )
        )
    )
    told = db.session.scalar(
        select(NotificationEvent.id).where(
            NotificationEvent.recipient_id == user_id, NotificationEvent.dedupe_key == "programme"
        )
    )
    if slugs and slugs <= done and told is None:
        db.session.add(
            _event(
                user_id,
                LEARNER,
                PROGRAMME_COMPLETED,
                created_at=now,
                dedupe_key="programme",
                **common,
            )
        )


def install_listeners() -> None:
    """Wake the worker once a transaction that recorded events commits (idempotent)."""
    for name, fn in (
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(db.session, name, fn):
            event.listen(db.session, name, fn)
