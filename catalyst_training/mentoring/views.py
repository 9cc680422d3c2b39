"""Mentor pages: the cohorts' heatmap and a learner's drill-down."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from ..auth import roles
from ..auth.services import get_acting, role_required
from ..core.models import utcnow
from . import access, dashboard
from . import models as _models  # noqa: F401  (tables in the metadata)
from .heatmap_html import body_html
from .learner import learner_file

bp = Blueprint("mentoring", __name__, url_prefix="/mentor")
STAFF = (roles.MENTOR, roles.COORDINATOR)
ANY = (roles.LEARNER, roles.MENTOR, roles.COORDINATOR)


def viewer() -> access.Viewer:
    """The acting user as the services see them."""
    acting = get_acting()
    if acting is None:
        abort(401)
    return access.Viewer(acting.user_id, acting.role, acting.context_pk)


def status_labels() -> dict[str, tuple[str, str]]:
    """Status -> (icon, label): never colour alone."""
    return {
        "not_started": ("○", _("Non commencé")),
        "in_progress": ("◐", _("En cours")),
        "awaiting": ("…", _("À évaluer")),
        "returned": ("↺", _("À reprendre")),
        "completed": ("✓", _("Terminé")),
    }


def _int(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() else None


@bp.get("/")
@role_required(*STAFF)
def home():
    """The heatmap of the cohorts I follow, with filters and sort."""
    who = viewer()
    filters = dashboard.Filters(
        cohort_id=_int("cohort"),
        module=request.args.get("module") or None,
        status=request.args.get("status")
        if request.args.get("status") in dashboard.STATUSES
        else None,
        stalled=request.args.get("stalled") == "1",
        sort=request.args.get("sort") if request.args.get("sort") in dashboard.SORTS else "name",
    )
    days = int(current_app.config["STALLED_DAYS"])
    now = utcnow()
    modules, rows = dashboard.heatmap(who, filters, now, days)
    return render_template(
        "mentoring/home.html",
        cohorts=access.cohorts(who),
        all_modules=dashboard.programme_modules(),
        modules=modules,
        rows=rows,
        body=body_html(rows, status_labels(), now),
        filters=filters,
        labels=status_labels(),
        stalled_days=days,
        is_coordinator=who.role == roles.COORDINATOR,
    )


@bp.get("/learners/<int:user_id>")
@role_required(*ANY)
def learner(user_id: int):
    """Progress per module, quiz attempts with answers, submissions and a timeline."""
    who = viewer()
    access.require_learner(who, user_id)
    return render_template(
        "mentoring/learner.html", file=learner_file(user_id), labels=status_labels()
    )


from . import cohort_views, review_views  # noqa: E402, F401  (routes on this blueprint)
