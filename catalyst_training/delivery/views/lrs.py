"""Coordinator page of LRS deliveries: statements waiting or failed and why; re-queue; email."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...auth import roles
from ...auth.services import require_acting, role_required
from ...extensions import db
from ...mentoring.access import coordinator_scope
from ...mentoring.forms import parse_id
from ..forms import LrsEmailForm, StatementRequeueForm
from ..xapi import admin
from .blueprint import bp


def _scope() -> admin.Scope:
    acting = require_acting(roles.COORDINATOR)
    return coordinator_scope(acting.user_id, acting.context_pk)


@bp.get("/lrs")
@role_required(roles.COORDINATOR)
def lrs():
    """Counts per state, the LRSs that apply, and every statement not yet taken by its LRS."""
    scope = _scope()
    return render_template(
        "delivery/lrs.html",
        counts=admin.counts_by_state(scope),
        rows=admin.undelivered(scope),
        endpoints=admin.endpoints_for(scope),
        form=StatementRequeueForm(),
    )


@bp.post("/lrs/requeue")
@role_required(roles.COORDINATOR)
def lrs_requeue():
    """Send one statement again now, or every dead letter."""
    form = StatementRequeueForm()
    if not form.validate_on_submit():
        abort(400, _("Formulaire expiré : rechargez la page."))
    raw = (form.statement.data or "").strip()
    statement_pk = parse_id(raw)
    if raw and statement_pk is None:
        abort(400, _("Déclaration inconnue."))
    scope = _scope()
    if statement_pk is not None and not admin.visible(statement_pk, scope):
        abort(404, _("Déclaration inconnue."))  # another course run's: as if it did not exist
    count = admin.requeue([statement_pk] if statement_pk else None, scope)
    db.session.commit()
    flash(_("%(n)d déclaration(s) remise(s) en file d'attente.", n=count), "success")
    return redirect(url_for("deliveries.lrs"), code=303)


@bp.post("/lrs/email")
@role_required(roles.COORDINATOR)
def lrs_email():
    """Let an LRS of the coordinator's platform name people by email, or stop it."""
    form = LrsEmailForm()
    if not form.validate_on_submit():
        abort(400, _("Formulaire expiré : rechargez la page."))
    endpoint_pk = parse_id((form.endpoint.data or "").strip())
    if endpoint_pk is None or not admin.set_send_email(endpoint_pk, form.send_email.data, _scope()):
        abort(404, _("Entrepôt de traces inconnu."))
    db.session.commit()
    if form.send_email.data:
        flash(
            _("Les déclarations nommeront désormais les personnes par leur adresse e-mail."),
            "success",
        )
    else:
        flash(
            _("Les déclarations nommeront les personnes par leur compte sur la plateforme."),
            "success",
        )
    return redirect(url_for("deliveries.lrs"), code=303)
