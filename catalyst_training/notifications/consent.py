"""Consent: each person's mode per audience (opt-out for mentors and learners, opt-in above)."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from sqlalchemy import select

from ..auth import roles
from ..auth.models import Membership, User
from ..core.clock import clock_of
from ..extensions import db
from .models import (
    COORDINATOR,
    DEFAULT_MODE,
    LEARNER,
    MENTOR,
    MODES,
    OFF,
    NotificationPreference,
)

NEW_KEY = "catalyst_notify_new"
# Set after a commit that recorded events or choices: the worker's next round makes messages.
new_events = threading.Event()
ROLE_AUDIENCE = {roles.LEARNER: LEARNER, roles.MENTOR: MENTOR, roles.COORDINATOR: COORDINATOR}


class ConsentError(ValueError):
    """A mode that does not exist for the audience."""


def modes_of(user_ids: Iterable[int], audience: str) -> dict[int, str]:
    """Each person's mode for an audience (the default when they never chose)."""
    ids = list(set(user_ids))
    chosen = {}
    if ids:
        chosen = dict(
            db.session.execute(
                select(NotificationPreference.user_id, NotificationPreference.mode).where(
                    NotificationPreference.user_id.in_(ids),
                    NotificationPreference.audience == audience,
                )
            ).all()
        )
    return {uid: chosen.get(uid, DEFAULT_MODE[audience]) for uid in ids}


def mode_of(user_id: int, audience: str) -> str:
    """One person's mode for an audience."""
    return modes_of([user_id], audience)[user_id]


def consenting(user_ids: Iterable[int], audience: str) -> set[int]:
    """The people among `user_ids` who want messages of this audience."""
    return {uid for uid, mode in modes_of(user_ids, audience).items() if mode != OFF}


def set_mode(user_id: int, audience: str, mode: str) -> bool:
    """Record a choice (flush only); True when it changed anything (unsubscribing is idempotent)."""
    if mode not in MODES.get(audience, ()):
        raise ConsentError(mode)
    row = db.session.scalars(
        select(NotificationPreference).filter_by(user_id=user_id, audience=audience)
    ).first()
    if row is None:
        if mode == DEFAULT_MODE[audience]:
            return False
        row = NotificationPreference(user_id=user_id, audience=audience, mode=mode)
        db.session.add(row)
    elif row.mode == mode:
        return False
    row.mode, row.updated_at = mode, clock_of().now()
    db.session.flush()
    db.session.info[NEW_KEY] = True  # an opt-in may make a message due now
    return True


def audiences_of(user: User, acting_role: str | None = None) -> list[str]:
    """The audiences a person belongs to: their roles in their course runs (and the acting one)."""
    found = set(
        db.session.scalars(
            select(Membership.role).where(Membership.user_id == user.id, Membership.active)
        )
    )
    if acting_role:
        found.add(acting_role)
    if user.is_coordinator_account:
        found.add(roles.COORDINATOR)
    return [ROLE_AUDIENCE[r] for r in roles.ROLES if r in found]
