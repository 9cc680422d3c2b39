"""LTI 1.1 launch endpoint: /lti/launch11 (also reached from /lti/launch for 1.1 POSTs)."""

from __future__ import annotations

import logging

from flask import Blueprint, redirect, request, session, url_for
from flask_login import login_user

from ..auth.models import User
from ..auth.services import LANDING, set_acting
from ..core.limiter import login_limit
from ..extensions import csrf, db
from ..mentoring.placement import needs_territory_choice
from . import lti11, token_session
from .launch import LaunchError
from .services import NoRoleError

log = logging.getLogger(__name__)
bp = Blueprint("lti11", __name__, url_prefix="/lti")


def _reject(exc: LaunchError):
    from .views import _reject as reject  # views imports this module: resolve at call time

    return reject(exc)


def lti11_launch():
    """Verify an LTI 1.1 basic launch and log the user in as a 1.3 launch would."""
    pairs = list(request.form.items(multi=True))
    path_qs = request.full_path if request.query_string else request.path
    try:
        platform = lti11.verify_launch(pairs, lti11.signed_urls(request.url, path_qs))
        acting = lti11.record_launch11(platform, lti11.form_params(pairs))
    except LaunchError as exc:
        db.session.rollback()
        return _reject(exc)
    except NoRoleError as exc:
        db.session.rollback()
        return _reject(LaunchError(403, "no_role", str(exc)))
    db.session.commit()
    session.clear()
    login_user(db.session.get(User, acting.user_id))
    set_acting(acting)
    if acting.locale:
        session["lang"] = acting.locale[:2]
    token = token_session.issue(acting)
    target = url_for(LANDING[acting.role], lt=token)
    if acting.role == "learner" and needs_territory_choice(acting.user_id, acting.context_pk):
        target = url_for("mentoring.pick_territory", lt=token)
    log.info("LTI 1.1 launch: platform %s user %s as %s", platform.id, acting.user_id, acting.role)
    return redirect(target, code=303)


@bp.post("/launch11")
@csrf.exempt
@login_limit
def launch():
    """LTI 1.1 launch URL to give FUN MOOC / Open edX (LTI consumer) with a key and secret."""
    return lti11_launch()
