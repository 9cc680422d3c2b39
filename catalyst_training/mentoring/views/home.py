"""Mentor pages: the cohorts' heatmap and a learner's drill-down."""

from __future__ import annotations

from flask import abort, current_app, render_template, request

from ...auth import roles
from ...auth.services import role_required
from ...core.models import utcnow
from .. import access, dashboard
from ..forms import parse_id
from ..heatmap_html import body_html
from ..learner import learner_file, maturity_rows
from ..paging import Page, page_number, page_size
from .blueprint import ANY, STAFF, bp, page_args, status_labels, viewer


def _choice(name: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
    value = request.args.get(name)
    return value if value in allowed else default


@bp.get("/")
@role_required(*STAFF)
def home():
    """The heatmap of the cohorts I follow, with filters and sort."""
    who = viewer()
    filters = dashboard.Filters(
        cohort_id=parse_id(request.args.get("cohort")),
        module=request.args.get("module") or None,
        status=_choice("status", dashboard.STATUSES),
        stalled=request.args.get("stalled") == "1",
        sort=_choice("sort", dashboard.SORTS, "name") or "name",
    )
    days = int(current_app.config["STALLED_DAYS"])
    now = utcnow()
    asked = Page(page_number(request.args.get("page")), page_size(current_app.config), 0)
    programme, modules, rows, page = dashboard.heatmap(who, filters, now, days, asked)
    return render_template(
        "mentoring/home.html",
        cohorts=access.cohorts(who),
        all_modules=programme,
        modules=modules,
        rows=rows,
        page=page,
        page_args=page_args("cohort", "module", "status", "stalled", "sort"),
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
    file = learner_file(user_id) or abort(404)
    return render_template(
        "mentoring/learner.html",
        file=file,
        labels=status_labels(),
        maturity=maturity_rows(user_id, who.context_pk),
    )
