"""The LTI blueprint and what every launch view shares: rejection pages and the final login."""

from __future__ import annotations

import logging

from flask import Blueprint, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user

from ...auth.models import User
from ...auth.services import LANDING, Acting, set_acting
from ...core.errors import render_error
from ...extensions import db
from ...mentoring.placement import needs_territory_choice
from .. import mismatch, token_session
from ..launch import LaunchError

log = logging.getLogger("catalyst_training.lti.views")
bp = Blueprint("lti", __name__, url_prefix="/lti")

REASONS = {
    "login_invalid": lambda: _(
        "La demande de connexion de la plateforme est incomplète ou "
        "vient d'une plateforme non enregistrée."
    ),
    "unknown_platform": lambda: _("Cette plateforme n'est pas enregistrée ou a été désactivée."),
    "unknown_deployment": lambda: _("Ce déploiement de l'outil est inconnu ou désactivé."),
    "replayed": lambda: _(
        "Ce lancement a déjà été utilisé. Relancez l'activité depuis votre cours."
    ),
    "state_mismatch": lambda: _(
        "Ce lancement ne correspond pas à votre navigateur (session "
        "expirée ou cookies bloqués). Relancez l'activité depuis votre "
        "cours."
    ),
    "unknown_nonce": lambda: _(
        "Ce lancement n'est plus reconnu (il a pu expirer pendant une maintenance). "
        "Relancez l'activité depuis votre cours."
    ),
    "expired": lambda: _("Le jeton de lancement a expiré. Relancez l'activité."),
    "deep_link_types": lambda: _(
        "La plateforme n'accepte pas de liens vers une activité LTI (ltiResourceLink) : "
        "aucun module ne peut être ajouté depuis cette demande."
    ),
    "no_role": lambda: _("Votre rôle dans ce cours ne donne pas accès à l'outil."),
}


def reject(exc: LaunchError):
    """The error page of a refused launch, in the user's language, naming the reason.

    A refusal about who sent the launch names what was received and what is registered.
    """
    message = REASONS.get(exc.reason, lambda: _("Le lancement a été refusé : jeton invalide."))()
    message = f"{message} ({exc.reason})"
    if exc.claims is not None:
        found = mismatch.describe(exc.claims)
        log.warning(
            "LTI rejected: %s (%s) from %s; received %s; registered %s",
            exc.reason, exc.detail, request.remote_addr, found.received, found.registered,
        )  # fmt: skip
        details = [
            _("Reçu : %(values)s", values=found.received),
            _("Enregistré pour cet émetteur : %(values)s", values=found.registered),
        ]
        message = " ".join([message, *details, *([found.hint] if found.hint else [])])
    else:
        log.warning("LTI rejected: %s (%s) from %s", exc.reason, exc.detail, request.remote_addr)
    return render_error(exc.status, message, reason=exc.reason)


def complete_login(acting: Acting, *, deep_link: bool = False):
    """Open the session of a validated launch (1.3 or 1.1) and redirect to its landing page."""
    session.clear()
    login_user(db.session.get(User, acting.user_id))
    set_acting(acting)
    if acting.locale:
        session["lang"] = acting.locale[:2]
    token = token_session.open_launch(acting)  # None drops lt= from the URLs below
    target = (
        url_for("lti.deep_link", lt=token) if deep_link else url_for(LANDING[acting.role], lt=token)
    )
    if acting.role == "learner" and needs_territory_choice(acting.user_id, acting.context_pk):
        target = url_for("mentoring.pick_territory", lt=token)
    return redirect(target, code=303)
