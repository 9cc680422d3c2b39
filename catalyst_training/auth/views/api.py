"""/api/me: the session as JSON, for scripts and the platform's front end."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from ...extensions import db
from ..models import Context, ResourceLink
from ..services import get_acting
from .blueprint import bp


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
