"""The console's bulk download of certificates: a ZIP for the filtered set, streamed."""

from __future__ import annotations

from flask import Response, abort, current_app, request, stream_with_context
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from ...auth import roles
from ...auth.services import role_required
from ...core.models import utcnow
from ..certificates import zip_of
from .blueprint import bp, current_filters, current_scope


@bp.post("/certificates.zip")
@role_required(roles.COORDINATOR)
def certificates():
    """Every valid certificate of the filters' learners, one PDF at a time (audited)."""
    if not FlaskForm().validate_on_submit():
        abort(400, _("Formulaire expiré ou invalide : rechargez la page."))
    user_id, _scope = current_scope()
    now = utcnow()
    base = str(current_app.config.get("BASE_URL") or request.host_url).rstrip("/")
    response = Response(
        stream_with_context(zip_of(user_id, current_filters(), base, now, "web")),
        mimetype="application/zip",
    )
    name = f"certificats-{now:%Y%m%d-%H%M}.zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response
