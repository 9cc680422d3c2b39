"""Cohort pages: a learner picks a territory; a course run's coordinator manages its cohorts."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...auth import roles
from ...auth.models import Context
from ...auth.services import role_required
from ...core.models import utcnow
from ...extensions import db
from .. import access, audit, management, placement, territories
from ..forms import PickTerritoryForm
from ..territories import MentoringError
from .actions import apply_posted
from .blueprint import actor, bp, finish, message, viewer


@bp.route("/territory", methods=["GET", "POST"])
@role_required(roles.LEARNER)
def pick_territory():
    """At first launch, the learner chooses their territory (when the coordinator allows it)."""
    who = viewer()
    if who.context_pk is None or not placement.needs_territory_choice(who.user_id, who.context_pk):
        return redirect(url_for("learning.home"))
    error = None
    if request.method == "POST":
        form = PickTerritoryForm()
        try:
            if not form.validate_on_submit():
                raise MentoringError("unknown_cohort")
            placement.pick_territory(who.user_id, who.context_pk, form.cohort.data, utcnow())
            db.session.commit()
            return redirect(url_for("learning.home"))
        except MentoringError as exc:
            db.session.rollback()
            error = message(exc.code)
    return render_template(
        "mentoring/pick_territory.html",
        error=error,
        cohorts=territories.cohorts_of_context(who.context_pk),
    ), (400 if error else 200)


@bp.route("/cohorts", methods=["GET", "POST"])
@role_required(roles.COORDINATOR)
def cohorts():
    """Territories, cohorts, the self-placement setting and moves for this course run."""
    who = viewer()
    if who.context_pk is None:
        abort(400, _("Ce lancement ne précise pas de session de cours."))
    access.require_coordinator_of(who, who.context_pk)
    ctx = who.context_pk
    author = actor(who.user_id, ctx)
    if request.method == "POST":
        error = apply_posted(request.form.get("action", ""), author, ctx)
        done = finish(error, _("Modification enregistrée."), url_for("mentoring.cohorts"))
        if done is not None:
            return done
    return render_template(
        "mentoring/cohorts.html",
        context=db.session.get(Context, ctx),
        territories=management.all_territories(),
        cohorts=territories.cohorts_of_context(ctx),
        settings=territories.settings_for(ctx),
        people=management.people_of(ctx),
        log=audit.describe(
            audit.entries(access.coordinator_scope(who.user_id, ctx), who.user_id, limit=50)
        ),
        can_edit_territories=author.all_tenants,
    ), (400 if request.method == "POST" else 200)
