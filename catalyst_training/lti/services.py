"""What a valid launch changes: user, context, resource link and membership (flush only)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import Context, Membership, ResourceLink, User
from ..auth.services import Acting
from ..core import events
from ..core.models import utcnow
from ..extensions import db
from ..mentoring.placement import place_from_launch
from .groups import groups_fetcher
from .launch import CLAIM
from .models import Deployment, Platform
from .roles import map_roles

log = logging.getLogger(__name__)
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


class NoRoleError(ValueError):
    """The launch carries no role this tool knows."""


def upsert(model, where: dict[str, Any], values: dict[str, Any]):
    obj = db.session.scalars(select(model).filter_by(**where)).first()
    if obj is None:
        fresh = {k: v for k, v in values.items() if v is not None}
        try:
            # Two first launches into the same course at once: the loser reads the winner's row.
            with db.session.begin_nested():
                obj = model(**where, **fresh)
                db.session.add(obj)
        except IntegrityError:
            obj = db.session.scalars(select(model).filter_by(**where)).one()
    for key, value in values.items():
        if value is not None:
            setattr(obj, key, value)
    return obj


def record_launch(platform: Platform, claims: dict[str, Any], launch_id: str) -> Acting:
    """Upsert the user, context, resource link and membership a launch describes."""
    lti_roles = [r for r in claims.get(CLAIM + "roles", []) if isinstance(r, str)]
    role = map_roles(lti_roles, platform.role_map)
    if role is None:
        raise NoRoleError(", ".join(lti_roles) or "(none)")
    presentation = claims.get(CLAIM + "launch_presentation") or {}
    locale = (presentation.get("locale") or claims.get("locale") or "")[:16] or None
    # lti11 builds on this module: imported here, when a launch runs, not at import time.
    from .lti11 import migration

    migration.adopt_migrated_records(platform, claims)
    user = upsert(
        User,
        migration.where(platform, "user", str(claims["sub"])),
        {
            "name": claims.get("name"),
            "given_name": claims.get("given_name"),
            "family_name": claims.get("family_name"),
            "email": claims.get("email"),
            "locale": locale,
            "last_seen_at": utcnow(),
        },
    )
    db.session.flush()
    ctx_claim = claims.get(CLAIM + "context") or {}
    custom = claims.get(CLAIM + "custom") or {}
    context = None
    if ctx_claim.get("id"):
        nrps = claims.get(NRPS_CLAIM) or {}
        context = upsert(
            Context,
            migration.where(platform, "context", str(ctx_claim["id"])),
            {
                "title": ctx_claim.get("title"),
                "label": ctx_claim.get("label"),
                "memberships_url": nrps.get("context_memberships_url"),
            },
        )
        db.session.flush()
        upsert(
            Membership,
            {"user_id": user.id, "context_id": context.id},
            {"role": role, "lti_roles": lti_roles, "active": True, "custom": custom or None},
        )
        groups = groups_fetcher(platform, claims)
        place_from_launch(user.id, context.id, role, custom, utcnow(), groups=groups)
    link = None
    rl_claim = claims.get(CLAIM + "resource_link") or {}
    if rl_claim.get("id"):
        ags = claims.get(AGS_CLAIM) or {}
        link = upsert(
            ResourceLink,
            migration.where(platform, "resource_link", str(rl_claim["id"])),
            {
                "context_id": context.id if context else None,
                "title": rl_claim.get("title"),
                "module_slug": _module_slug(custom),
                "lineitem_url": ags.get("lineitem"),
                "lineitems_url": ags.get("lineitems"),
                "ags_scopes": ags.get("scope"),
            },
        )
    db.session.flush()
    deployment = db.session.scalar(
        select(Deployment.id).where(
            Deployment.platform_id == platform.id,
            Deployment.deployment_id == str(claims.get(CLAIM + "deployment_id") or ""),
        )
    )
    log.info(
        "LTI launch: platform %s user %s as %s in course run %s",
        platform.id, user.id, role, context.id if context else "-",
    )  # fmt: skip
    acting = Acting(
        user_id=user.id,
        role=role,
        platform_id=platform.id,
        context_pk=context.id if context else None,
        resource_link_pk=link.id if link else None,
        launch_id=launch_id,
        locale=locale,
        deployment_pk=deployment,
    )
    announce_launch(acting)
    return acting


def announce_launch(acting: Acting) -> None:
    """Tell the listeners (learning records) that a person opened a session by a launch."""
    events.emit(
        events.LAUNCHED,
        acting.user_id,
        utcnow(),
        actor_id=None,
        launch_id=acting.launch_id,
        role=acting.role,
        platform_id=acting.platform_id,
        context_pk=acting.context_pk,
        resource_link_pk=acting.resource_link_pk,
    )


def launch_revoked(acting: Acting) -> str | None:
    """Why a launched session no longer holds: its platform or deployment was deactivated."""
    if acting.platform_id is None:
        return None
    # One light query per request (two flags), not two full rows.
    row = db.session.execute(
        select(Platform.active, Deployment.active)
        .select_from(Platform)
        .outerjoin(
            Deployment,
            and_(Deployment.id == acting.deployment_pk, Deployment.platform_id == Platform.id),
        )
        .where(Platform.id == acting.platform_id)
    ).first()
    if row is None or not row[0]:
        return "platform deactivated"
    if acting.deployment_pk is not None and not row[1]:
        return "deployment deactivated"
    return None


def _module_slug(custom: dict[str, Any]) -> str | None:
    slug = custom.get("module")
    return str(slug)[:100] if slug else None
