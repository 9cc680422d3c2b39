"""The certificates block other domains' pages show (learning, mentoring cannot import us).

A context processor gives every template `certificates_of(user_id)`; the learner's progress page
and the learner's file include `credentials/_panel.html`, guarded by `certificates_of is defined`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from ..auth import roles
from ..auth.services import get_acting
from .models import MODULE, Certificate
from .services import certificates_of


@dataclass(frozen=True)
class Panel:
    """A learner's certificates as a page shows them, and whether the viewer may act on them."""

    items: list[Certificate]
    can_manage: bool
    per_module: bool


def panel(user_id: int | None = None) -> Panel:
    """The certificates of a learner (None: the acting user's own); the caller checked access."""
    acting = get_acting()
    if user_id is None:
        user_id = acting.user_id if acting is not None else None
    items = certificates_of(user_id) if user_id is not None else []
    can_manage = acting is not None and acting.role == roles.COORDINATOR
    per_module = current_app.config.get("CERTIFICATES_FOR") == MODULE
    return Panel(items, can_manage and user_id != acting.user_id, per_module)


def install_panels(app: Flask) -> None:
    """Offer `certificates_of` to every template."""

    @app.context_processor
    def _certificates() -> dict:
        return {"certificates_of": panel}
