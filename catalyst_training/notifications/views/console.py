"""Coordinators' list of the messages sent in their course runs (never their content)."""

from __future__ import annotations

from flask import render_template

from ...auth import roles
from ...auth.services import require_acting, role_required
from ...mentoring.access import coordinator_scope
from .. import admin
from ..sending import enabled
from .blueprint import bp


@bp.get("/console/notifications/")
@role_required(roles.COORDINATOR)
def sent():
    """Counts per state and the latest messages: recipient pseudonymised, kind, state, refusal."""
    acting = require_acting(roles.COORDINATOR)
    scope = coordinator_scope(acting.user_id, acting.context_pk)
    return render_template(
        "notifications/sent.html",
        counts=admin.counts_by_state(scope, acting.user_id),
        rows=admin.sent(scope, acting.user_id),
        sending=enabled(),
    )
