"""A local coordinator's email and password login, logout, and Flask-Login's user loader."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from ...core.limiter import account_limit, limiter, login_limit
from ...core.models import utcnow
from ...extensions import db, login_manager
from .. import roles
from ..accounts import authenticate
from ..forms import LoginForm
from ..models import User
from ..services import LANDING, Acting, clear_acting, get_acting, set_acting
from .blueprint import bp

log = logging.getLogger(__name__)
LOGOUT_HOOKS = "catalyst_logout_hooks"


def add_logout_hook(app: Flask, hook: Callable[[Acting], None]) -> None:
    """Let a higher layer end what it attached to a session (lti: the launch's tokens)."""
    app.extensions.setdefault(LOGOUT_HOOKS, []).append(hook)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login loader."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@bp.post("/logout")
def logout():
    """End the session, and with it the launch tokens of its launch (cookie or token session)."""
    acting = get_acting()
    if acting is not None:
        for hook in current_app.extensions.get(LOGOUT_HOOKS, []):
            hook(acting)
    clear_acting()
    logout_user()
    session.clear()
    return redirect(url_for("core.index"))


@bp.route("/auth/login", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
@login_limit
@account_limit
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
