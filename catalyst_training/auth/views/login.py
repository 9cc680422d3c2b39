"""A local coordinator's email and password login, logout, and Flask-Login's user loader."""

from __future__ import annotations

import logging

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from ...core.limiter import limiter, login_limit
from ...core.models import utcnow
from ...extensions import db, login_manager
from .. import roles
from ..accounts import authenticate
from ..forms import LoginForm
from ..models import User
from ..services import LANDING, Acting, clear_acting, set_acting
from .blueprint import bp

log = logging.getLogger(__name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login loader."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@bp.post("/logout")
def logout():
    """End the session."""
    clear_acting()
    logout_user()
    return redirect(url_for("core.index"))


@bp.route("/auth/login", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
@login_limit
def login():
    """Email and password login of a local coordinator account; opens the console."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            session.clear()
            user.last_seen_at = utcnow()
            db.session.commit()
            login_user(user)
            set_acting(Acting(user_id=user.id, role=roles.COORDINATOR))
            return redirect(url_for(LANDING[roles.COORDINATOR]), code=303)
        log.warning("failed coordinator login from %s", request.remote_addr)
        error = _("Adresse ou mot de passe incorrect.")
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status
