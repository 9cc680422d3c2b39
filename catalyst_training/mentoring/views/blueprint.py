"""The mentoring blueprints and what their views share: who is acting, labels and messages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ...auth import roles
from ...auth.services import require_acting
from ...core.models import utcnow
from ...extensions import db
from .. import access, management

bp = Blueprint("mentoring", __name__, url_prefix="/mentor")
# Coordinator management served on the console's URLs (/console/manage, /console/import):
# the console itself (reporting) is read-only.
console_bp = Blueprint("management", __name__, url_prefix="/console")
STAFF = (roles.MENTOR, roles.COORDINATOR)
ANY = (roles.LEARNER, roles.MENTOR, roles.COORDINATOR)


def viewer(*allowed: str) -> access.Viewer:
    """The acting user as the services see them (401 without a session, 403 outside `allowed`)."""
    acting = require_acting(*allowed)
    return access.Viewer(acting.user_id, acting.role, acting.context_pk)


def actor(user_id: int, context_pk: int | None) -> management.Actor:
    """The author of a management change, now; local coordinator accounts act on all tenants."""
    scope = access.coordinator_scope(user_id, context_pk)
    return management.Actor(user_id, utcnow(), all_tenants=scope is None)


def finish(error: str | None, saved: str, target: str) -> Response | None:
    """End a posted change: commit and go to `target`, or roll back and flash the refusal."""
    if error is None:
        db.session.commit()
        flash(saved, "success")
        return redirect(target, code=303)
    db.session.rollback()
    flash(error, "error")
    return None


def page_args(*keys: str) -> dict[str, str]:
    """The request's filters and sort among `keys`, for pagination links."""
    return {k: v for k in keys if (v := request.args.get(k))}


def status_labels() -> dict[str, tuple[str, str]]:
    """Status -> (icon, label): never colour alone."""
    return {
        "not_started": ("○", _("Non commencé")),
        "in_progress": ("◐", _("En cours")),
        "awaiting": ("…", _("À évaluer")),
        "returned": ("↺", _("À reprendre")),
        "completed": ("✓", _("Terminé")),
    }


MESSAGES = {
    "bad_code": lambda: _(
        "Code invalide : commune INSEE (5 caractères, 2A/2B pour la Corse), "
        "EPCI (SIREN à 9 chiffres) ou département (2 ou 3 caractères)."
    ),
    "duplicate_code": lambda: _("Ce territoire existe déjà."),
    "name_required": lambda: _("Le nom est obligatoire."),
    "bad_slug": lambda: _("Identifiant invalide : minuscules, chiffres et tirets."),
    "duplicate_slug": lambda: _("Une cohorte porte déjà cet identifiant."),
    "bad_dates": lambda: _("La date de fin précède la date de début."),
    "reason_required": lambda: _("Indiquez la raison du changement."),
    "choice_closed": lambda: _("Le choix du territoire n'est pas ouvert pour cette session."),
    "unknown_cohort": lambda: _("Cohorte inconnue."),
    "bad_kind": lambda: _("Type d'échange inconnu."),
    "bad_participants": lambda: _("Choisissez des participants de la cohorte."),
    "unknown_territory": lambda: _("Territoire inconnu."),
    "bad_form": lambda: _("Formulaire expiré ou invalide : rechargez la page."),
    "not_member": lambda: _(
        "Cette personne n'a pas ce rôle dans cette session de cours : rien n'a été modifié."
    ),
    "territory_reference": lambda: _(
        "Les territoires sont une liste commune : seul un compte de coordination du programme "
        "peut les ajouter ou les modifier."
    ),
}


def message(code: str) -> str:
    """The user's message for a refused mentoring action's code."""
    found = MESSAGES.get(code)
    return found() if found else code
