"""Cohort pages: a learner picks a territory, coordinators manage cohorts, peer exchanges."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth import roles
from ..auth.models import Context, Membership, User
from ..auth.services import role_required
from ..core.models import utcnow
from ..extensions import db
from . import access, audit, peer, placement, territories
from .models import Cohort, CohortMember, Territory
from .territories import MentoringError
from .views import STAFF, bp, viewer


def _messages() -> dict[str, str]:
    return {
        "bad_code": _(
            "Code invalide : commune INSEE (5 caractères, 2A/2B pour la Corse), "
            "EPCI (SIREN à 9 chiffres) ou département (2 ou 3 caractères)."
        ),
        "duplicate_code": _("Ce territoire existe déjà."),
        "name_required": _("Le nom est obligatoire."),
        "bad_slug": _("Identifiant invalide : minuscules, chiffres et tirets."),
        "duplicate_slug": _("Une cohorte porte déjà cet identifiant."),
        "bad_dates": _("La date de fin précède la date de début."),
        "reason_required": _("Indiquez la raison du changement."),
        "choice_closed": _("Le choix du territoire n'est pas ouvert pour cette session."),
        "unknown_cohort": _("Cohorte inconnue."),
        "bad_kind": _("Type d'échange inconnu."),
        "bad_participants": _("Choisissez des participants de la cohorte."),
    }


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


@bp.route("/territory", methods=["GET", "POST"])
@role_required(roles.LEARNER)
def pick_territory():
    """At first launch, the learner chooses their territory (when the coordinator allows it)."""
    who = viewer()
    if who.context_pk is None or not placement.needs_territory_choice(who.user_id, who.context_pk):
        return redirect(url_for("learning.home"))
    error = None
    if request.method == "POST":
        cohort = request.form.get("cohort", "")
        try:
            placement.pick_territory(who.user_id, who.context_pk, int(cohort or 0), utcnow())
            db.session.commit()
            return redirect(url_for("learning.home"))
        except MentoringError as exc:
            db.session.rollback()
            error = _messages().get(exc.code, exc.code)
    return render_template(
        "mentoring/pick_territory.html",
        error=error,
        cohorts=territories.cohorts_of_context(who.context_pk),
    )


@bp.route("/cohorts", methods=["GET", "POST"])
@role_required(roles.COORDINATOR)
def cohorts():
    """Territories, cohorts, the self-placement setting and moves for this course run."""
    who = viewer()
    if who.context_pk is None:
        abort(400, _("Ce lancement ne précise pas de session de cours."))
    access.require_coordinator_of(who, who.context_pk)
    ctx = who.context_pk
    if request.method == "POST":
        form, now = request.form, utcnow()
        try:
            action = form.get("action")
            if action == "territory":
                territories.create_territory(
                    form.get("name", ""), form.get("code", ""), form.get("region")
                )
            elif action == "cohort":
                territory = db.session.get(Territory, int(form.get("territory") or 0))
                if territory is None:
                    raise MentoringError("bad_code")
                territories.create_cohort(
                    form.get("name", ""),
                    form.get("slug", ""),
                    territory,
                    ctx,
                    _date("starts_on"),
                    _date("ends_on"),
                )
            elif action == "settings":
                territories.settings_for(ctx).learners_pick_territory = bool(form.get("pick"))
            elif action == "move":
                cohort = db.session.get(Cohort, int(form.get("cohort") or 0))
                learner_id = int(form.get("learner") or 0)
                if (
                    cohort is None
                    or cohort.context_id != ctx
                    or not db.session.scalar(
                        select(Membership.id).filter_by(user_id=learner_id, context_id=ctx)
                    )
                ):
                    abort(400)
                placement.move_learner(who.user_id, learner_id, cohort, form.get("reason", ""), now)
            elif action == "mentor":
                cohort = db.session.get(Cohort, int(form.get("cohort") or 0))
                mentor = db.session.get(User, int(form.get("mentor") or 0))
                if cohort is None or cohort.context_id != ctx or mentor is None:
                    abort(400)
                territories.add_mentor(cohort, mentor)
                audit.record(
                    who.user_id,
                    "cohort.mentor",
                    f"cohort:{cohort.id}",
                    now,
                    details={"mentor": mentor.id},
                )
            db.session.commit()
            flash(_("Modification enregistrée."), "success")
            return redirect(url_for("mentoring.cohorts"))
        except MentoringError as exc:
            db.session.rollback()
            flash(_messages().get(exc.code, exc.code), "error")
    people = db.session.execute(
        select(User, Membership.role, CohortMember.cohort_id)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(
            CohortMember, (CohortMember.user_id == User.id) & (CohortMember.context_id == ctx)
        )
        .where(Membership.context_id == ctx)
        .order_by(User.id)
    ).all()
    return render_template(
        "mentoring/cohorts.html",
        context=db.session.get(Context, ctx),
        territories=list(db.session.scalars(select(Territory).order_by(Territory.name))),
        cohorts=territories.cohorts_of_context(ctx),
        settings=territories.settings_for(ctx),
        people=people,
        log=audit.entries(limit=50),
    )


@bp.route("/peer", methods=["GET", "POST"])
@role_required(*STAFF)
def peer_sessions():
    """Record and list peer-exchange visits and meetings of my cohorts."""
    who = viewer()
    mine = access.cohorts(who)
    if request.method == "POST":
        form = request.form
        cohort = access.require_cohort(who, int(form.get("cohort") or 0))
        host = db.session.get(Territory, int(form.get("host") or 0))
        held_on = _date("held_on")
        try:
            if host is None or held_on is None:
                raise MentoringError("bad_kind")
            ids = [int(i) for i in form.getlist("participants") if i.isdigit()]
            peer.record_session(
                cohort, form.get("kind", ""), held_on, host, ids, who.user_id, form.get("notes", "")
            )
            db.session.commit()
            flash(_("Échange enregistré."), "success")
            return redirect(url_for("mentoring.peer_sessions"))
        except MentoringError as exc:
            db.session.rollback()
            flash(_messages().get(exc.code, exc.code), "error")
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
        territories=list(db.session.scalars(select(Territory).order_by(Territory.name))),
    )
