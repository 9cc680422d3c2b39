"""What the worker forgets on purpose: raw launch data, registrations that never completed.

Raw launch data is what a launch (or a roster sync) carries beyond what the tool runs on: the
custom parameters and the LTI role URIs kept on each membership (`memberships.custom`,
`memberships.lti_roles`; the app role, cohort placement and AGS/NRPS endpoints derived from
them stay). The id_token claims pylti1p3 keeps per launch live in the cache and expire with it
(see `nonces.purge_expired_cache`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import String, cast, delete, exists, null, or_, select, update

from ..auth.models import Context, Membership, ResourceLink, User
from ..core.models import aware
from ..extensions import db
from ..mentoring import audit
from ..mentoring.models import AuditEntry
from .models import Platform

log = logging.getLogger(__name__)
DYNAMIC = "dynamic-registration"  # Platform.extra["registered_by"] of a dynamic registration
# A registration's own request writes the row twice within moments; a later change (approval,
# disabling, renaming), like an audit entry about it (`platform disable|enable`), means someone
# took it in hand.
TOUCHED = timedelta(minutes=10)
CHUNK = 500


def purge_launch_data(cutoff: datetime) -> int:
    """Clear the custom parameters and LTI role URIs of memberships idle since `cutoff`.

    Idle: the membership has not changed and its person has not launched since then. A new
    launch stores them again. Flush only; how many memberships were cleared.
    """
    idle = select(User.id).where(or_(User.last_seen_at.is_(None), User.last_seen_at < cutoff))
    holding = or_(Membership.custom.is_not(None), cast(Membership.lti_roles, String) != "[]")
    ids = list(
        db.session.scalars(
            select(Membership.id).where(
                Membership.updated_at < cutoff, Membership.user_id.in_(idle), holding
            )
        )
    )
    for start in range(0, len(ids), CHUNK):
        db.session.execute(
            update(Membership)
            .where(Membership.id.in_(ids[start : start + CHUNK]))
            .values(custom=null(), lti_roles=[]),
            execution_options={"synchronize_session": False},
        )
    return len(ids)


def _launched(platform_id):
    return or_(
        exists().where(User.platform_id == platform_id),
        exists().where(Context.platform_id == platform_id),
        exists().where(ResourceLink.platform_id == platform_id),
    )


def stale_registrations(cutoff: datetime) -> list[Platform]:
    """Dynamic registrations made before `cutoff`, still inactive, never approved nor launched."""
    candidates = db.session.scalars(
        select(Platform)
        .where(Platform.active.is_(False), Platform.created_at < cutoff)
        .where(~_launched(Platform.id))
        .order_by(Platform.id)
    )
    stale = []
    for platform in candidates:
        extra = platform.extra or {}
        if extra.get("registered_by") != DYNAMIC or extra.get("approved_at"):
            continue
        created, updated = aware(platform.created_at), aware(platform.updated_at)
        if created and updated and updated - created > TOUCHED:
            continue
        audited = select(AuditEntry.id).where(AuditEntry.target == f"platform:{platform.id}")
        if db.session.scalar(audited.limit(1)) is not None:
            continue
        stale.append(platform)
    return stale


def remove_stale_registrations(cutoff: datetime, now: datetime) -> int:
    """Delete the stale dynamic registrations (deployments with them), each audited; how many."""
    removed = 0
    for platform in stale_registrations(cutoff):
        details = {
            "issuer": platform.issuer,
            "client_id": platform.client_id,
            "name": platform.name,
            "registered_at": (aware(platform.created_at) or now).isoformat(),
        }
        pk = platform.id
        db.session.expunge(platform)
        result = db.session.execute(
            delete(Platform).where(Platform.id == pk, Platform.active.is_(False)),
            execution_options={"synchronize_session": False},
        )
        if result.rowcount != 1:
            continue  # approved or removed meanwhile
        audit.record(None, "platform.registration_expired", f"platform:{pk}", now, details=details)
        log.warning(
            "removed dynamic registration %s (%s, client %s): never approved nor launched",
            pk, details["issuer"], details["client_id"],
        )  # fmt: skip
        removed += 1
    return removed
