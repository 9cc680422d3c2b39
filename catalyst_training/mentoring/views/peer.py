"""Peer exchanges: mentors and coordinators record visits and meetings of their cohorts."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ...auth.models import User
from ...auth.services import role_required
from ...extensions import db
from .. import access, management, peer
from ..access import Viewer
from ..forms import PeerSessionForm, first_error
from ..models import CohortMember, Territory
from ..territories import MentoringError
from .blueprint import STAFF, bp, finish, message, viewer


def _record(who: Viewer, form: PeerSessionForm) -> str | None:
    if not form.validate_on_submit():
        return first_error(form)
    cohort = access.require_cohort(who, form.cohort.data)
    host = db.session.get(Territory, form.host.data)
    if host is None:
        return message("unknown_territory")
    try:
        peer.record_session(
            cohort, form.kind.data or "", form.held_on.data, host, form.participants.data or [],
            who.user_id, form.notes.data or "",
        )  # fmt: skip
    except MentoringError as exc:
        return message(exc.code)
    return None


@bp.route("/peer", methods=["GET", "POST"])
@role_required(*STAFF)
def peer_sessions():
    """Record and list peer-exchange visits and meetings of my cohorts."""
    who = viewer()
    mine = access.cohorts(who)
    if request.method == "POST":
        error = _record(who, PeerSessionForm())
        done = finish(error, _("Échange enregistré."), url_for("mentoring.peer_sessions"))
        if done is not None:
            return done
    members = db.session.execute(
        select(CohortMember.cohort_id, User)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id.in_([c.id for c in mine]))
        .order_by(User.id)
    ).all()
    return render_template(
        "mentoring/peer.html",
        cohorts=mine,
        members=members,
        sessions=peer.sessions_of([c.id for c in mine]),
        territories=management.all_territories(),
    ), (400 if request.method == "POST" else 200)
