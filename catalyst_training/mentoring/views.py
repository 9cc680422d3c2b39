"""Mentor pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth import roles
from ..auth.models import Context, Membership
from ..auth.services import get_acting, role_required
from ..extensions import db

bp = Blueprint("mentoring", __name__, url_prefix="/mentor")


@bp.get("/")
@role_required(roles.MENTOR, roles.COORDINATOR)
def home():
    """The learners of the course run this mentor launched from."""
    acting = get_acting()
    assert acting is not None
    context = db.session.get(Context, acting.context_pk) if acting.context_pk else None
    learners = []
    if context is not None:
        learners = list(
            db.session.scalars(
                select(Membership)
                .options(joinedload(Membership.user))
                .where(Membership.context_id == context.id, Membership.role == roles.LEARNER)
                .order_by(Membership.created_at)
            )
        )
    return render_template("mentoring/home.html", context=context, learners=learners)
