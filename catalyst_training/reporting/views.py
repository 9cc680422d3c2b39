"""Coordinator console: programme overview with filters and charts; the streamed download."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth import roles
from ..auth.models import Context
from ..auth.services import get_acting, role_required
from ..core.models import utcnow
from ..extensions import db
from ..mentoring import models as _mentoring_models  # noqa: F401  (tables in the metadata)
from ..mentoring.dashboard import programme_modules
from ..mentoring.models import Cohort, Territory
from . import charts, exports, overview, records
from .filters import Filters, coordinator_scope, parse_filters, query_args
from .forms import ExportForm

bp = Blueprint("reporting", __name__, url_prefix="/console")


def current_scope() -> tuple[int | None, tuple[int, ...] | None]:
    """(acting user id, contexts the acting coordinator may see; None = all)."""
    acting = get_acting()
    if acting is None:
        abort(401)
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
    from flask import url_for

    if "deliveries.index" in current_app.view_functions:
        return url_for("deliveries.index")
    return None


@bp.get("/")
@role_required(roles.COORDINATOR)
def home():
    """Programme overview: learners, per-module funnel, grading and passback figures."""
    filters = current_filters()
    modules = programme_modules()
    days = int(current_app.config["STALLED_DAYS"])
    figures = overview.overview(filters, modules, utcnow(), days)
    legend = (_("Apprenants"), _("Commencé"), _("Terminé"))
    funnel = charts.funnel_svg(
        _("Entonnoir de complétion par module"),
        [(m.title, m.learners, m.started, m.completed) for m in figures.modules],
        legend,
    )
    timeline = charts.timeline_svg(
        _("Modules terminés (cumul par semaine)"), figures.completions_by_week
    )
    form = ExportForm(formdata=None)
    return render_template(
        "reporting/home.html",
        filters=filters,
        args=query_args(filters),
        choices=filter_choices(filters),
        figures=figures,
        funnel=funnel,
        timeline=timeline,
        stalled_days=days,
        deliveries_url=deliveries_url(),
        form=form,
    )


@bp.post("/export")
@role_required(roles.COORDINATOR)
def export():
    """Stream the file as it is read from the database; the audit entry is written at the end."""
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400, _("Formulaire expiré ou invalide : rechargez la page."))
    user_id, _scope = current_scope()
    request_ = exports.ExportRequest(
        filters=current_filters(),
        format=form.format.data,
        summary=bool(form.summary.data),
        personal=bool(form.personal.data),
        separator=form.separator.data if form.format.data == "csv" else ";",
    )
    now = utcnow()
    export_ = exports.prepare(request_, now, rows_hint=records.upper_bound())

    def finish() -> None:
        exports.record_export(user_id, export_, utcnow(), "web")
        db.session.commit()

    response = Response(
        stream_with_context(exports.with_audit(export_, finish)),
        content_type=export_.writer.mimetype,
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{export_.filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


from . import drill_views, manage_views  # noqa: E402, F401  (routes on bp)
