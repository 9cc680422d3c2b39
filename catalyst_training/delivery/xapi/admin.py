"""The LRS deliveries for coordinators: counts, what waits or failed and why, re-queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, true, update

from ...auth.models import Context, User
from ...core.clock import clock_of
from ...extensions import db
from ...lti.models import Platform
from ..models import DEAD, IN_FLIGHT, PENDING, STATES
from .models import LrsEndpoint, XapiStatement

S = XapiStatement
Scope = tuple[int, ...] | None  # the reader's course runs; None: all tenants (local account)


def in_scope(scope: Scope):
    """The WHERE clause keeping statements of the scope's course runs."""
    return true() if scope is None else S.context_id.in_(scope or (-1,))


def counts_by_state(scope: Scope = None) -> dict[str, int]:
    """How many statements of the scope are in each state."""
    found = dict(
        db.session.execute(
            select(S.state, func.count(S.id)).where(in_scope(scope)).group_by(S.state)
        ).all()
    )
    return {state: int(found.get(state, 0)) for state in STATES}


def undelivered(scope: Scope = None, limit: int = 200) -> list[tuple[XapiStatement, User, Context]]:
    """Dead letters first, then statements waiting, with whose they are and their course run."""
    rows = db.session.execute(
        select(S, User, Context)
        .join(User, User.id == S.user_id, isouter=True)
        .join(Context, Context.id == S.context_id, isouter=True)
        .where(S.state.in_((DEAD, PENDING, IN_FLIGHT)), in_scope(scope))
        .order_by(S.state, S.next_attempt_at, S.id)
        .limit(limit)
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def visible(statement_pk: int, scope: Scope) -> bool:
    """True when the statement exists within the scope."""
    return db.session.scalar(select(S.id).where(S.id == statement_pk, in_scope(scope))) is not None


def requeue(ids: list[int] | None, scope: Scope, now: datetime | None = None) -> int:
    """Send dead (or waiting) statements of the scope again now; None: every dead one."""
    query = update(S).where(S.state.in_((DEAD, PENDING)), in_scope(scope))
    query = query.where(S.id.in_(ids)) if ids is not None else query.where(S.state == DEAD)
    now = now or clock_of().now()
    result = db.session.execute(
        query.values(state=PENDING, attempts=0, next_attempt_at=now, updated_at=now),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)


def platforms_of(scope: Scope) -> set[int] | None:
    """Platforms of the scope's course runs (None: every platform)."""
    if scope is None:
        return None
    return set(
        db.session.scalars(select(Context.platform_id).where(Context.id.in_(scope or (-1,))))
    )


def endpoints_for(scope: Scope) -> list[tuple[LrsEndpoint, str | None, bool]]:
    """The LRSs that apply to the scope: (endpoint, platform name or None, may change email)."""
    platforms = platforms_of(scope)
    rows = db.session.execute(
        select(LrsEndpoint, Platform.name)
        .join(Platform, Platform.id == LrsEndpoint.platform_id, isouter=True)
        .order_by(LrsEndpoint.platform_id.is_not(None), LrsEndpoint.platform_id)
    ).all()
    found = []
    for endpoint, name in rows:
        own = endpoint.platform_id is not None and (
            platforms is None or endpoint.platform_id in platforms
        )
        if own or endpoint.platform_id is None:
            # An LRS serves every course run of its platform (a global one, every platform):
            # changing how it names people is a local coordinator's decision, not one run's.
            found.append((endpoint, name, platforms is None))
    return found


def set_send_email(endpoint_pk: int, send_email: bool, scope: Scope) -> bool:
    """Let (or stop) an LRS of the scope receive people's emails; False when out of scope."""
    for endpoint, _name, may_change in endpoints_for(scope):
        if endpoint.id == endpoint_pk and may_change:
            endpoint.send_email = send_email
            return True
    return False
