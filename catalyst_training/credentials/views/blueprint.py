"""The credentials blueprint and what its views share: the certificate or badge one may reach."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request

from ...auth import roles
from ...auth.services import require_acting
from ...extensions import db
from ...mentoring import access
from ..models import Badge, Certificate

bp = Blueprint("credentials", __name__)
ANY = (roles.LEARNER, roles.MENTOR, roles.COORDINATOR)


def viewer(*allowed: str) -> access.Viewer:
    """The acting user as the services see them (401 without a session, 403 outside `allowed`)."""
    acting = require_acting(*allowed)
    return access.Viewer(acting.user_id, acting.role, acting.context_pk)


def certificate_for(who: access.Viewer, certificate_id: int) -> Certificate:
    """The certificate, 404 when unknown or its holder erased, 403 when not the viewer's to see.

    A learner reaches their own; a mentor those of learners they follow; a coordinator those of
    their course runs' learners (a local coordinator account: all).
    """
    cert = db.session.get(Certificate, certificate_id)
    if cert is None or cert.user_id is None:
        abort(404)
    access.require_learner(who, cert.user_id)
    return cert


def badge_for(who: access.Viewer, badge_id: int) -> Badge:
    """The badge, 404 when unknown or its holder erased, 403 when not the viewer's to see.

    The same reach as for certificates: the learner's own, their mentors', their coordinators'.
    """
    badge = db.session.get(Badge, badge_id)
    if badge is None or badge.user_id is None or badge.jwt is None:
        abort(404)
    access.require_learner(who, badge.user_id)
    return badge


def base_url() -> str:
    """Where the public verification page lives (BASE_URL, else this request's host)."""
    return str(current_app.config.get("BASE_URL") or request.host_url).rstrip("/")
