"""Coordinator page of grade deliveries: what waits, what failed and why; re-queue."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _

from ...auth import roles
from ...auth.services import require_acting, role_required
from ...extensions import db
from ...mentoring.access import coordinator_scope
from ...mentoring.forms import parse_id
from .. import admin as outbox_admin
from ..forms import RequeueForm
from .blueprint import bp


def _scope() -> outbox_admin.Scope:
    """The acting coordinator's course runs (None for a local account: every platform)."""
    acting = require_acting(roles.COORDINATOR)
    return coordinator_scope(acting.user_id, acting.context_pk)


@bp.get("/")
@role_required(roles.COORDINATOR)
def index():
    """Counts per state, and every delivery not yet accepted by its platform."""
    scope = _scope()
    return render_template(
        "delivery/deliveries.html",
        counts=outbox_admin.counts_by_state(scope),
        rows=outbox_admin.undelivered(scope),
        provisional=outbox_admin.provisional_delivered(scope),
        form=RequeueForm(),
    )


@bp.post("/requeue")
@role_required(roles.COORDINATOR)
def requeue():
    """Re-queue one delivery, or every dead letter."""
    form = RequeueForm()
    if not form.validate_on_submit():
        abort(400, _("Formulaire expiré : rechargez la page."))
    raw = (form.delivery.data or "").strip()
    delivery_id = parse_id(raw)
    if raw and delivery_id is None:
        abort(400, _("Envoi inconnu."))
    scope = _scope()
    if delivery_id is not None and not outbox_admin.visible(delivery_id, scope):
        abort(404, _("Envoi inconnu."))  # another course run's delivery: as if it did not exist
    count = outbox_admin.requeue([delivery_id] if delivery_id else None, scope=scope)
    db.session.commit()
    flash(_("%(n)d envoi(s) remis en file d'attente.", n=count), "success")
    return redirect(url_for("deliveries.index"), code=303)


@bp.get("/status.json")
@role_required(roles.COORDINATOR)
def status():
    """Deliveries per state as JSON (for monitoring from the console session)."""
    scope = _scope()
    counts = outbox_admin.counts_by_state(scope)
    oldest = outbox_admin.oldest_waiting(scope)
    return jsonify({"counts": counts, "oldest_pending_at": oldest.isoformat() if oldest else None})
