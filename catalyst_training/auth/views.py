"""Session endpoints: /api/me and logout."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, url_for
from flask_login import current_user, logout_user

from ..extensions import db, login_manager
from .models import Context, ResourceLink, User
from .services import clear_acting, get_acting

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login loader."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@bp.get("/api/me")
def me():
    """The session as JSON, or 401 without one."""
    acting = get_acting()
    if acting is None or not current_user.is_authenticated:
        return jsonify({"error": "unauthenticated"}), 401
    context = db.session.get(Context, acting.context_pk) if acting.context_pk else None
    link = (
        db.session.get(ResourceLink, acting.resource_link_pk) if acting.resource_link_pk else None
    )
    return jsonify(
        {
            "user_id": current_user.id,
            "sub": current_user.sub,
            "platform_id": acting.platform_id,
            "role": acting.role,
            "context": context.context_id if context else None,
            "resource_link": link.resource_link_id if link else None,
            "module": link.module_slug if link else None,
        }
    )


@bp.post("/logout")
def logout():
    """End the session."""
    clear_acting()
    logout_user()
    return redirect(url_for("core.index"))
