"""LTI Dynamic Registration: the page a platform opens while installing the tool."""

from __future__ import annotations

import logging

from flask import render_template, request
from flask_babel import gettext as _

from ...core.errors import render_error
from ...core.limiter import register_limit
from ...core.security import content_security_policy, invalidate_origins
from ...extensions import db
from .. import keys, registration
from ..urls import tool_base_url
from .blueprint import bp

log = logging.getLogger("catalyst_training.lti.registration")


@bp.get("/register", endpoint="register")
@register_limit
def register_view():
    """GET /lti/register: the platform opens this in a window or iframe during installation."""
    config_url = request.args.get("openid_configuration", "")
    token = request.args.get("registration_token") or None
    base = tool_base_url()
    try:
        if not config_url:
            raise registration.RegistrationError(400, _("Paramètre openid_configuration manquant."))
        keys.ensure_key()
        platform = registration.register_platform(config_url, token, base)
    except registration.RegistrationError as exc:
        db.session.rollback()
        log.warning("dynamic registration refused: %s (%s)", exc.message, config_url)
        return render_error(exc.status, exc.message, reason="registration")
    db.session.commit()
    invalidate_origins()
    log.info("platform %s registered dynamically (active=%s)", platform.id, platform.active)
    # Moodle opens this page in an iframe of its admin page while the platform is still inactive:
    # this response alone may be framed by the validated issuer's origin, which gets the close.
    origin = registration.platform_origin(platform.issuer)
    page = render_template("lti/registered.html", platform=platform, close_origin=origin)
    return page, 200, {"Content-Security-Policy": content_security_policy(origin)}
