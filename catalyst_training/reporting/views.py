"""Coordinator console."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from ..auth import roles
from ..auth.models import Context, Membership
from ..auth.services import role_required
from ..extensions import db

bp = Blueprint("reporting", __name__, url_prefix="/console")


@bp.get("/")
@role_required(roles.COORDINATOR)
def home():
    """Programme overview: course runs and how many people hold each role."""
    rows = db.session.execute(
        select(Context, Membership.role, func.count(Membership.id))
        .join(Membership, Membership.context_id == Context.id, isouter=True)
        .group_by(Context.id, Membership.role)
        .order_by(Context.id)
    ).all()
    overview: dict[int, dict] = {}
    for context, role, count in rows:
        entry = overview.setdefault(context.id, {"context": context, "counts": {}})
        if role:
            entry["counts"][role] = count
    return render_template("reporting/home.html", overview=list(overview.values()))
