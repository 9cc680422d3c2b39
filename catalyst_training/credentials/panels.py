"""The certificates and badges block other domains' pages show (they cannot import us).

A context processor gives every template `certificates_of(user_id)`; the learner's progress page
and the learner's file include `credentials/_panel.html`, guarded by `certificates_of is defined`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from ..auth import roles
from ..auth.services import get_acting
from ..core.clock import clock_of
from ..extensions import db
from . import awards, badges
from .models import MODULE, Badge, Certificate
from .services import certificates_of


@dataclass(frozen=True)
class HeldBadge:
    """A badge as the page lists it: what it recognises, as signed."""

    badge: Badge
    title: str

    @property
    def revocable(self) -> bool:
        """A coordinator revokes it here (a linked badge follows its certificate instead)."""
        return self.badge.certificate_id is None and self.badge.status == "valid"


@dataclass(frozen=True)
class Panel:
    """A learner's certificates and badges as a page shows them, and whether the viewer acts."""

    items: list[Certificate]
    badges: list[HeldBadge]
    can_manage: bool
    per_module: bool


def held_badges(user_id: int, certs: list[Certificate]) -> list[HeldBadge]:
    """The learner's badges, signing first those due but never signed (no base URL back then).

    A page is where a base URL is known: signing there is the lazy path, committed at once.
    """
    rows = badges.badges_of(user_id)  # erasure clears user_id with the JWT: these are all
    if awards.ensure_due(user_id, clock_of().now(), certs, rows):
        db.session.commit()
        rows = badges.badges_of(user_id)
    found = []
    for badge in rows:
        achievement = badges.credential_of(badge)["credentialSubject"]["achievement"]
        found.append(HeldBadge(badge, str(achievement.get("name") or "")))
    return found


def panel(user_id: int | None = None) -> Panel:
    """The certificates of a learner (None: the acting user's own); the caller checked access."""
    acting = get_acting()
    if user_id is None:
        user_id = acting.user_id if acting is not None else None
    items = certificates_of(user_id) if user_id is not None else []
    held = held_badges(user_id, items) if user_id is not None else []
    can_manage = acting is not None and acting.role == roles.COORDINATOR
    per_module = current_app.config.get("CERTIFICATES_FOR") == MODULE
    return Panel(items, held, can_manage and user_id != acting.user_id, per_module)


def install_panels(app: Flask) -> None:
    """Offer `certificates_of` to every template."""

    @app.context_processor
    def _certificates() -> dict:
        return {"certificates_of": panel}
