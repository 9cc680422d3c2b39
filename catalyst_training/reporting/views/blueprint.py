"""The console blueprint and what its read views share: the scope, filters and their choices."""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from sqlalchemy import select

from ...auth import roles
from ...auth.models import Context
from ...auth.services import require_acting
from ...extensions import db
from ...mentoring.models import Cohort, Territory
from ..filters import Filters, coordinator_scope, parse_filters

bp = Blueprint("reporting", __name__, url_prefix="/console")


def current_scope() -> tuple[int | None, tuple[int, ...] | None]:
    """(acting user id, contexts the acting coordinator may see; None = all)."""
    acting = require_acting(roles.COORDINATOR)
    return acting.user_id, coordinator_scope(acting.user_id, acting.context_pk)


def current_filters() -> Filters:
    """The filters of this request, within the coordinator's scope."""
    _user_id, scope = current_scope()
    return parse_filters(request.values, scope)


def filter_choices(filters: Filters) -> dict:
    """Contexts, regions, territories and cohorts offered in the filter form."""
    contexts = select(Context).order_by(Context.title, Context.context_id)
    cohorts = select(Cohort).order_by(Cohort.name)
    if filters.scope is not None:
        contexts = contexts.where(Context.id.in_(filters.scope or (-1,)))
        cohorts = cohorts.where(Cohort.context_id.in_(filters.scope or (-1,)))
    if filters.context_pk:
        cohorts = cohorts.where(Cohort.context_id == filters.context_pk)
    territories = list(db.session.scalars(select(Territory).order_by(Territory.name)))
    return {
        "contexts": list(db.session.scalars(contexts)),
        "regions": sorted({t.region for t in territories if t.region}),
        "territories": territories,
        "cohorts": list(db.session.scalars(cohorts)),
    }


def deliveries_url() -> str | None:
    """The grade deliveries page of the passback work, when it is installed."""
    if "deliveries.index" in current_app.view_functions:
        return url_for("deliveries.index")
    return None
