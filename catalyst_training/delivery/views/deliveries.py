"""Coordinator page of grade deliveries: what waits, what failed and why; re-queue."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _

from ...auth import roles
from ...auth.services import role_required
from ...extensions import db
from .. import admin as outbox_admin
from ..forms import RequeueForm
from .blueprint import bp


@bp.get("/")
@role_required(roles.COORDINATOR)
def index():
    """Counts per state, and every delivery not yet accepted by its platform."""
    return render_template(
        "delivery/deliveries.html",
        counts=outbox_admin.counts_by_state(),
        rows=outbox_admin.undelivered(),
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
    if raw and not raw.isdigit():
        abort(400, _("Envoi inconnu."))
    count = outbox_admin.requeue([int(raw)] if raw else None)
    db.session.commit()
    flash(_("%(n)d envoi(s) remis en file d'attente.", n=count), "success")
    return redirect(url_for("deliveries.index"), code=303)


@bp.get("/status.json")
@role_required(roles.COORDINATOR)
def status():
    """Deliveries per state as JSON (for monitoring from the console session)."""
    counts = outbox_admin.counts_by_state()
    oldest = outbox_admin.oldest_waiting()
    return jsonify({"counts": counts, "oldest_pending_at": oldest.isoformat() if oldest else None})
