"""Coordinator console: programme overview with filters and charts; the streamed download."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, stream_with_context
from flask_babel import gettext as _

from ...auth import roles
from ...auth.services import role_required
from ...core.models import utcnow
from ...extensions import db
from ...mentoring.dashboard import programme_modules
from .. import charts, exports, overview, records
from ..filters import query_args
from ..forms import ExportForm
from .blueprint import bp, current_filters, current_scope, deliveries_url, filter_choices


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
