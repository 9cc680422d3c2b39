"""Roster sync from the web: a mentor or coordinator asks the worker to pull the members (NRPS)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from ...auth import roles
from ...auth.models import Context
from ...auth.services import get_acting, require_acting
from ...core.clock import clock_of
from ...extensions import db
from .. import jobs
from ..models import RosterJob
from .blueprint import bp


@bp.post("/roster/sync")
def roster_sync():
    """Queue a roster sync of the acting course run (or join the one waiting) and come back."""
    acting = require_acting(roles.MENTOR, roles.COORDINATOR)
    context = db.session.get(Context, acting.context_pk) if acting.context_pk else None
    if context is None:
        abort(400)
    _job, created = jobs.request_sync(context, acting.user_id, clock_of().now())
    db.session.commit()
    jobs.notify()
    if created:
        flash(_("Synchronisation des membres demandée : suivez son avancement ci-dessous."), "info")
    else:
        flash(_("Une synchronisation des membres est déjà en attente."), "info")
    return redirect(url_for("mentoring.home"), code=303)


@bp.app_template_global("roster_job")
def roster_job() -> RosterJob | None:
    """The latest roster sync job of the acting course run (templates show its state)."""
    acting = get_acting()
    if acting is None or acting.context_pk is None:
        return None
    return jobs.latest_job(acting.context_pk)
