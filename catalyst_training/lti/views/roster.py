"""Roster sync from the web: a mentor or coordinator pulls the course run's members (NRPS)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from ...auth import roles
from ...auth.models import Context
from ...auth.services import require_acting
from ...core.models import utcnow
from ...extensions import db
from ..roster import RosterError, sync_roster
from .blueprint import bp


@bp.post("/roster/sync")
def roster_sync():
    """Pull the acting course run's members from the platform (NRPS)."""
    acting = require_acting(roles.MENTOR, roles.COORDINATOR)
    context = db.session.get(Context, acting.context_pk) if acting.context_pk else None
    if context is None:
        abort(400)
    try:
        report = sync_roster(context, utcnow())
        db.session.commit()
        flash(
            _(
                "%(n)s membres synchronisés, %(new)s nouveaux, %(gone)s inactifs.",
                n=report.members,
                new=report.created,
                gone=report.deactivated,
            ),
            "success",
        )
    except RosterError:
        db.session.rollback()
        flash(_("La plateforme n'a pas fourni la liste des membres."), "error")
    return redirect(url_for("mentoring.home"))
