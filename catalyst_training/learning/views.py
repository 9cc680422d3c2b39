"""Learner pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ..auth import roles
from ..auth.models import ResourceLink
from ..auth.services import get_acting, role_required
from ..content.loader import find_module, load_programme
from ..extensions import db

bp = Blueprint("learning", __name__, url_prefix="/learn")


@bp.get("/")
@role_required(roles.LEARNER, roles.MENTOR, roles.COORDINATOR)
def home():
    """The module the resource link points to, or the whole programme."""
    acting = get_acting()
    assert acting is not None
    root = current_app.config["CONTENT_PATH"]
    link = (
        db.session.get(ResourceLink, acting.resource_link_pk) if acting.resource_link_pk else None
    )
    module = find_module(root, link.module_slug) if link else None
    return render_template(
        "learning/home.html",
        module=module,
        programme=load_programme(root),
        missing_slug=link.module_slug if link and link.module_slug and not module else None,
    )
