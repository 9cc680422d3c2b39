"""Drill-down: territories, then a territory's cohorts, a cohort's learners, a learner's file."""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from ...auth import roles
from ...auth.models import Membership, User
from ...auth.services import role_required
from ...extensions import db
from ...learning.models import COMPLETED, ModuleProgress
from ...mentoring.dashboard import programme_modules
from ...mentoring.learner import learner_file
from ...mentoring.models import Cohort, CohortMember, Territory
from ...mentoring.views.blueprint import status_labels
from ..filters import Filters
from ..records import within_contexts
from .blueprint import bp, current_filters


def _cohort_query(filters: Filters):
    members = func.count(func.distinct(CohortMember.user_id))
    done = func.sum(case((ModuleProgress.status == COMPLETED, 1), else_=0))
    query = (
        select(Cohort, members, done)
        .join(Territory, Territory.id == Cohort.territory_id)
        .outerjoin(CohortMember, CohortMember.cohort_id == Cohort.id)
        .outerjoin(ModuleProgress, ModuleProgress.user_id == CohortMember.user_id)
        .group_by(Cohort.id)
        .order_by(Cohort.name)
    )
    query = within_contexts(query, filters, Cohort.context_id)
    if filters.region:
        query = query.where(Territory.region == filters.region)
    return query


@bp.get("/territories")
@role_required(roles.COORDINATOR)
def territories():
    """Territories with their cohorts, learners and completed modules."""
    filters = current_filters()
    rows = db.session.execute(_cohort_query(filters)).all()
    by_territory: dict[int, dict] = {}
    for cohort, members, done in rows:
        entry = by_territory.setdefault(
            cohort.territory_id,
            {"territory": cohort.territory, "cohorts": 0, "learners": 0, "completed": 0},
        )
        entry["cohorts"] += 1
        entry["learners"] += int(members or 0)
        entry["completed"] += int(done or 0)
    items = sorted(by_territory.values(), key=lambda e: e["territory"].name)
    return render_template("reporting/territories.html", items=items, filters=filters)


@bp.get("/territories/<int:territory_id>")
@role_required(roles.COORDINATOR)
def territory(territory_id: int):
    """One territory's cohorts in the coordinator's course runs."""
    found = db.session.get(Territory, territory_id) or abort(404)
    filters = current_filters()
    rows = db.session.execute(
        _cohort_query(filters).where(Cohort.territory_id == territory_id)
    ).all()
    return render_template("reporting/territory.html", territory=found, rows=rows)


@bp.get("/cohorts/<int:cohort_id>")
@role_required(roles.COORDINATOR)
def cohort(cohort_id: int):
    """A cohort's learners x modules (status per module), linking to each learner's file."""
    found = db.session.get(Cohort, cohort_id) or abort(404)
    filters = current_filters()
    if filters.scope is not None and found.context_id not in filters.scope:
        abort(403, _("Réservé aux coordinateurs de cette session."))
    learners = list(
        db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort_id)
            .order_by(User.id)
        )
    )
    progress = db.session.execute(
        select(ModuleProgress.user_id, ModuleProgress.module_slug, ModuleProgress.status).where(
            ModuleProgress.user_id.in_([u.id for u in learners] or [-1])
        )
    ).all()
    status = {(uid, slug): st for uid, slug, st in progress}
    return render_template(
        "reporting/cohort.html",
        cohort=found,
        learners=learners,
        modules=programme_modules(),
        status=status,
        labels=status_labels(),
    )


@bp.get("/learners/<int:user_id>")
@role_required(roles.COORDINATOR)
def learner(user_id: int):
    """A learner's file (the mentoring drill-down page), within the coordinator's scope."""
    filters = current_filters()
    if db.session.get(User, user_id) is None:
        abort(404)
    if filters.scope is not None:
        allowed = db.session.scalar(
            select(func.count(Membership.id)).where(
                and_(
                    Membership.user_id == user_id,
                    Membership.context_id.in_(filters.scope or (-1,)),
                )
            )
        )
        if not allowed:
            abort(403, _("Cet apprenant ne fait pas partie de vos sessions."))
    file = learner_file(user_id) or abort(404)
    return render_template("mentoring/learner.html", file=file, labels=status_labels())
