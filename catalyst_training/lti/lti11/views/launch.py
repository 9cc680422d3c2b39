"""LTI 1.1 launch endpoint: /lti/launch11 (also reached from /lti/launch for 1.1 POSTs)."""

from __future__ import annotations

import logging

from flask import request

from ....core.limiter import login_limit
from ....extensions import csrf, db
from ...launch import LaunchError
from ...services import NoRoleError
from ...views.blueprint import complete_login, reject
from .. import services as lti11
from .blueprint import bp

log = logging.getLogger(__name__)


def lti11_launch():
    """Verify an LTI 1.1 basic launch and log the user in as a 1.3 launch would."""
    pairs = list(request.form.items(multi=True))
    path_qs = request.full_path if request.query_string else request.path
    try:
        platform = lti11.verify_launch(pairs, lti11.signed_urls(request.url, path_qs))
        acting = lti11.record_launch11(platform, lti11.form_params(pairs))
    except LaunchError as exc:
        db.session.rollback()
        return reject(exc)
    except NoRoleError as exc:
        db.session.rollback()
        return reject(LaunchError(403, "no_role", str(exc)))
    db.session.commit()
    log.info("LTI 1.1 launch: platform %s user %s as %s", platform.id, acting.user_id, acting.role)
    return complete_login(acting)


@bp.post("/launch11")
@csrf.exempt
@login_limit
def launch():
    """LTI 1.1 launch URL to give FUN MOOC / Open edX (LTI consumer) with a key and secret."""
    return lti11_launch()
