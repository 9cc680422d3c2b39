"""Who sees whom: mentors their cohorts, coordinators their course runs, learners themselves."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, exists, false, literal, select
from werkzeug.exceptions import Forbidden

from ..auth import roles
from ..auth.models import Context, Membership, User
from ..extensions import db
from .models import Cohort, CohortMember, cohort_mentors


@dataclass(frozen=True)
class Viewer:
    """The person asking (explicit: services never read current_user)."""

    user_id: int
    role: str
    context_pk: int | None = None


def coordinator_contexts(viewer: Viewer) -> Select:
    """SELECT of the course run ids a coordinator runs (memberships and the acting one).

    A local coordinator account is the explicit "all tenants" scope: every course run.
    """
    user = db.session.get(User, viewer.user_id)
    if user is not None and user.is_coordinator_account:
        return select(Context.id)
    query = select(Membership.context_id).where(
        Membership.user_id == viewer.user_id, Membership.role == roles.COORDINATOR
    )
    if viewer.context_pk is not None:
        query = query.union(select(literal(viewer.context_pk)))
    return query


def coordinator_scope(user_id: int, acting_context_pk: int | None) -> tuple[int, ...] | None:
    """Course runs a coordinator may manage or see: None (all) for a local account."""
    user = db.session.get(User, user_id)
    if user is not None and user.is_coordinator_account:
        return None
    found = set(
        db.session.scalars(
            select(Membership.context_id).where(
                Membership.user_id == user_id, Membership.role == roles.COORDINATOR
            )
        )
    )
    if acting_context_pk is not None:
        found.add(acting_context_pk)
    return tuple(sorted(found))


def visible_cohorts(viewer: Viewer) -> Select:
    """SELECT of the cohort ids a viewer may follow (empty for learners)."""
    if viewer.role == roles.MENTOR:
        return select(cohort_mentors.c.cohort_id).where(cohort_mentors.c.user_id == viewer.user_id)
    if viewer.role == roles.COORDINATOR:
        return select(Cohort.id).where(Cohort.context_id.in_(coordinator_contexts(viewer)))
    return select(Cohort.id).where(false())


def cohorts(viewer: Viewer) -> list[Cohort]:
    """The cohorts a viewer follows, by name."""
    return list(
        db.session.scalars(
            select(Cohort).where(Cohort.id.in_(visible_cohorts(viewer))).order_by(Cohort.name)
        )
    )


def can_see_learner(viewer: Viewer, learner_id: int) -> bool:
    """True when the viewer may see this learner's work."""
    if viewer.role == roles.LEARNER:
        return learner_id == viewer.user_id
    if viewer.role == roles.COORDINATOR:
        in_context = exists().where(
            Membership.user_id == learner_id,
            Membership.context_id.in_(coordinator_contexts(viewer)),
        )
        if db.session.scalar(select(in_context)):
            return True
    in_cohort = exists().where(
        CohortMember.user_id == learner_id, CohortMember.cohort_id.in_(visible_cohorts(viewer))
    )
    return bool(db.session.scalar(select(in_cohort)))


def require_learner(viewer: Viewer, learner_id: int) -> None:
    """Raise 403 unless the viewer may see the learner."""
    if not can_see_learner(viewer, learner_id):
        raise Forbidden(_("Cet apprenant ne fait pas partie de vos cohortes."))


def require_cohort(viewer: Viewer, cohort_id: int) -> Cohort:
    """The cohort, or 403 when the viewer does not follow it."""
    cohort = db.session.get(Cohort, cohort_id)
    allowed = cohort is not None and db.session.scalar(
        select(exists().where(Cohort.id == cohort_id, Cohort.id.in_(visible_cohorts(viewer))))
    )
    if not allowed:
        raise Forbidden(_("Vous ne suivez pas cette cohorte."))
    return cohort  # type: ignore[return-value]


def require_coordinator_of(viewer: Viewer, context_pk: int) -> None:
    """Raise 403 unless the viewer coordinates the course run."""
    if viewer.role != roles.COORDINATOR or context_pk not in set(
        db.session.scalars(coordinator_contexts(viewer))
    ):
        raise Forbidden(_("Réservé aux coordinateurs de cette session."))
