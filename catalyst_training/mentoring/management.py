"""Coordinator management, one path per action for every entry point (cohort page, console, CSV).

Territories are a shared reference list: every coordinator picks from it, only a local
coordinator account ("all tenants") changes it. Everything else acts on one course run, and the
person moved or made mentor must hold a membership of that course run on its platform. Every
change is audited; functions flush, the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ..auth import roles
from ..auth.models import Context, Membership, User
from ..extensions import db
from . import audit, placement, territories
from .models import Cohort, CohortMember, Territory
from .territories import MentoringError

WEB, IMPORT = "web", "import"


@dataclass(frozen=True)
class Actor:
    """Who changes what, when, through which entry point."""

    user_id: int
    now: datetime
    all_tenants: bool = False
    source: str = WEB


@dataclass(frozen=True)
class CohortChange:
    """A cohort's editable fields (the slug only counts on creation)."""

    name: str
    territory_id: int
    starts_on: date | None = None
    ends_on: date | None = None
    slug: str = ""


def _record(actor: Actor, action: str, target: str, reason: str | None = None, **details: Any):
    audit.record(
        actor.user_id, action, target, actor.now,
        details={**details, "source": actor.source}, reason=reason,
    )  # fmt: skip


def _require_all_tenants(actor: Actor) -> None:
    if not actor.all_tenants:
        raise MentoringError("territory_reference")


def require_territory(territory_id: int) -> Territory:
    """The territory, or MentoringError('unknown_territory')."""
    found = db.session.get(Territory, territory_id)
    if found is None:
        raise MentoringError("unknown_territory")
    return found


def require_cohort_of(context_pk: int, cohort_id: int) -> Cohort:
    """The cohort when it belongs to the course run, else MentoringError('unknown_cohort')."""
    found = db.session.get(Cohort, cohort_id)
    if found is None or found.context_id != context_pk:
        raise MentoringError("unknown_cohort")
    return found


def require_member(context_pk: int, user_id: int, allowed: tuple[str, ...]) -> User:
    """The user when they hold one of `allowed` in the course run, on the run's platform."""
    found = db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(Context, Context.id == Membership.context_id)
        .where(
            User.id == user_id,
            Membership.context_id == context_pk,
            Membership.role.in_(allowed),
            User.platform_id == Context.platform_id,
        )
    )
    if found is None:
        raise MentoringError("not_member", user=user_id)
    return found


def create_territory(actor: Actor, name: str, code: str, region: str | None) -> Territory:
    """Add a territory to the shared list (local coordinators only; audited)."""
    _require_all_tenants(actor)
    found = territories.create_territory(name, code, region)
    _record(actor, "territory.create", f"territory:{found.id}", code=found.code)
    return found


def update_territory(
    actor: Actor, territory_id: int, name: str, code: str, region: str | None
) -> Territory:
    """Change a territory's name, code or region (local coordinators only; audited)."""
    _require_all_tenants(actor)
    found = require_territory(territory_id)
    kind = territories.code_kind(code)
    code = code.strip().upper()
    if not (name or "").strip():
        raise MentoringError("name_required")
    other = db.session.scalar(select(Territory.id).where(Territory.code == code))
    if other is not None and other != found.id:
        raise MentoringError("duplicate_code", value=code)
    before = {"name": found.name, "code": found.code, "region": found.region}
    found.name, found.code, found.kind = name.strip(), code, kind
    found.region = (region or "").strip() or None
    db.session.flush()
    _record(actor, "territory.edit", f"territory:{found.id}", before=before)
    return found


def create_cohort(actor: Actor, context_pk: int, change: CohortChange) -> Cohort:
    """Add a cohort to a course run (audited)."""
    territory = require_territory(change.territory_id)
    found = territories.create_cohort(
        change.name, change.slug, territory, context_pk, change.starts_on, change.ends_on
    )
    _record(actor, "cohort.create", f"cohort:{found.id}", slug=found.slug, context=context_pk)
    return found


def update_cohort(actor: Actor, context_pk: int, cohort_id: int, change: CohortChange) -> Cohort:
    """Change a cohort's name, territory or dates (audited)."""
    found = require_cohort_of(context_pk, cohort_id)
    territory = require_territory(change.territory_id)
    if not (change.name or "").strip():
        raise MentoringError("name_required")
    if change.starts_on and change.ends_on and change.ends_on < change.starts_on:
        raise MentoringError("bad_dates")
    before = {"name": found.name, "territory": found.territory_id,
              "starts_on": str(found.starts_on), "ends_on": str(found.ends_on)}  # fmt: skip
    found.name, found.territory = change.name.strip(), territory
    found.starts_on, found.ends_on = change.starts_on, change.ends_on
    db.session.flush()
    _record(actor, "cohort.edit", f"cohort:{found.id}", before=before)
    return found


def set_self_placement(actor: Actor, context_pk: int, allowed: bool) -> None:
    """Let learners without a cohort pick their territory at first launch (audited)."""
    territories.settings_for(context_pk).learners_pick_territory = allowed
    db.session.flush()
    _record(actor, "settings.pick", f"context:{context_pk}", learners_pick_territory=allowed)


def move_learner(
    actor: Actor, context_pk: int, user_id: int, cohort_id: int, reason: str
) -> CohortMember:
    """Move a learner of the course run to one of its cohorts (audited by placement)."""
    cohort = require_cohort_of(context_pk, cohort_id)
    learner = require_member(context_pk, user_id, (roles.LEARNER,))
    return placement.move_learner(
        actor.user_id, learner.id, cohort, reason, actor.now, source=actor.source
    )


def make_mentor(actor: Actor, context_pk: int, user_id: int, cohort_id: int) -> Cohort:
    """Make a mentor (or coordinator) of the course run a mentor of one of its cohorts."""
    cohort = require_cohort_of(context_pk, cohort_id)
    person = require_member(context_pk, user_id, (roles.MENTOR, roles.COORDINATOR))
    territories.add_mentor(cohort, person)
    _record(actor, "cohort.mentor", f"cohort:{cohort.id}", mentor=person.id)
    return cohort


def people_of(context_pk: int) -> list[tuple[User, str, int | None]]:
    """(user, role, cohort id or None) of every member of a course run, by id."""
    rows = db.session.execute(
        select(User, Membership.role, CohortMember.cohort_id)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(
            CohortMember,
            (CohortMember.user_id == User.id) & (CohortMember.context_id == context_pk),
        )
        .where(Membership.context_id == context_pk)
        .order_by(User.id)
    )
    return [(person, role, cohort_id) for person, role, cohort_id in rows]


def all_territories() -> list[Territory]:
    """The shared list of territories, by name."""
    return list(db.session.scalars(select(Territory).order_by(Territory.name)))
