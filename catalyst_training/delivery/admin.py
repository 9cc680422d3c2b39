"""The outbox for coordinators, the CLI and the worker: overview, re-queue, resync, retention."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, true, update

from ..auth.models import Context, Membership, ResourceLink, User
from ..core.clock import clock_of
from ..core.models import aware
from ..extensions import db
from ..learning.models import ModuleProgress
from .models import DEAD, DELIVERED, IN_FLIGHT, PENDING, STATES, GradeDelivery
from .outbox import SCORE_FIELDS, enqueue

T = GradeDelivery
Scope = tuple[int, ...] | None  # the reader's course runs; None: all tenants (CLI, local account)


def in_scope(scope: Scope):
    """The WHERE clause keeping deliveries of the scope's course runs."""
    return true() if scope is None else T.context_id.in_(scope or (-1,))


def visible(delivery_id: int, scope: Scope) -> bool:
    """True when the delivery exists within the scope."""
    found = select(T.id).where(T.id == delivery_id, in_scope(scope))
    return db.session.scalar(found) is not None


def counts_by_state(scope: Scope = None) -> dict[str, int]:
    """How many deliveries of the scope are in each state."""
    found = dict(
        db.session.execute(
            select(T.state, func.count(T.id)).where(in_scope(scope)).group_by(T.state)
        ).all()
    )
    return {state: int(found.get(state, 0)) for state in STATES}


def undelivered(
    scope: Scope = None, limit: int = 200
) -> list[tuple[GradeDelivery, User, ResourceLink, Context | None]]:
    """Dead letters first, then waiting deliveries of the scope, with who and where."""
    rows = db.session.execute(
        select(T, User, ResourceLink, Context)
        .join(User, User.id == T.user_id)
        .join(ResourceLink, ResourceLink.id == T.resource_link_id)
        .join(Context, Context.id == T.context_id, isouter=True)
        .where(T.state.in_((DEAD, PENDING, IN_FLIGHT)), in_scope(scope))
        .order_by(T.state, T.next_attempt_at, T.id)
        .limit(limit)
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def provisional_delivered(
    scope: Scope = None, limit: int = 50
) -> list[tuple[GradeDelivery, User, Context | None]]:
    """Delivered AGS scores that were not final: accepted, but not shown by Moodle or Open edX."""
    rows = db.session.execute(
        select(T, User, Context)
        .join(User, User.id == T.user_id)
        .join(Context, Context.id == T.context_id, isouter=True)
        .where(
            T.state == DELIVERED,
            T.grading_progress != "FullyGraded",
            T.score_given.is_not(None),
            T.mode != "lti11",
            in_scope(scope),
        )
        .order_by(T.delivered_at.desc(), T.id.desc())
        .limit(limit)
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def requeue(ids: list[int] | None = None, now: datetime | None = None, scope: Scope = None) -> int:
    """Put dead (or waiting) deliveries of the scope back in the queue, due now; None = all dead."""
    query = update(T).where(T.state.in_((DEAD, PENDING)), in_scope(scope))
    if ids is not None:
        if not ids:
            return 0
        query = query.where(T.id.in_(ids))
    else:
        query = query.where(T.state == DEAD)
    now = now or clock_of().now()
    result = db.session.execute(
        query.values(state=PENDING, attempts=0, next_attempt_at=now, updated_at=now),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def resync(
    context_id: str | None = None, slug: str | None = None, now: datetime | None = None
) -> int:
    """Send the current score of every started learner x module again (fresh timestamp)."""
    query = select(ModuleProgress).where(ModuleProgress.activity_progress.is_not(None))
    if slug:
        query = query.where(ModuleProgress.module_slug == slug)
    context_pks: list[int | None] = [None]
    if context_id:
        context_pks = list(db.session.scalars(select(Context.id).filter_by(context_id=context_id)))
        members = select(Membership.user_id).where(Membership.context_id.in_(context_pks))
        query = query.where(ModuleProgress.user_id.in_(members))
    now = now or clock_of().now()
    total = 0
    for row in db.session.scalars(query.order_by(ModuleProgress.id)):
        values = {f: getattr(row, f, None) for f in SCORE_FIELDS}
        values["score_given"], values["score_maximum"] = row.score, 100.0
        for pk in context_pks:
            total += enqueue(
                db.session, row.user_id, row.module_slug, values, now, context_pk=pk, now=now
            )
    db.session.flush()
    return total


def oldest_waiting(scope: Scope = None):
    """When the oldest score of the scope still waiting changed (None when none waits)."""
    waiting = T.state.in_((PENDING, IN_FLIGHT))
    return aware(db.session.scalar(select(func.min(T.timestamp)).where(waiting, in_scope(scope))))


def purge_bodies(cutoff: datetime) -> int:
    """Clear answers and errors of sent or dead rows last changed before `cutoff`; how many."""
    result = db.session.execute(
        update(T)
        .where(T.state.in_((DELIVERED, DEAD)), T.updated_at < cutoff)
        .where(or_(T.response_body.is_not(None), T.last_error.is_not(None)))
        .values(response_body=None, last_error=None),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount or 0
