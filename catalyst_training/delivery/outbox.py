"""Grade outbox services: score events become delivery rows in the same transaction; claiming."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, event, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from ..auth.models import Membership, ResourceLink, User
from ..core.claims import claim_rows
from ..core.clock import clock_of
from ..core.models import aware
from ..extensions import db
from ..learning.models import ScoreEvent
from ..lti.lti11.models import outcome_target
from ..lti.models import Platform
from .models import DEAD, DECLARATIVE, IN_FLIGHT, PENDING, PROGRAMMATIC, GradeDelivery

T = GradeDelivery
SCORE_FIELDS = ("score_given", "score_maximum", "activity_progress", "grading_progress", "comment")
# Set after a commit that enqueued rows: wakes an in-process worker without polling delay.
new_work = threading.Event()


@dataclass(frozen=True)
class Job:
    """A claimed delivery with everything its HTTP calls need (no ORM object outside the DB)."""

    id: int
    attempts: int
    user_sub: str
    module_slug: str
    mode: str
    lineitem_url: str | None
    lineitems_url: str | None
    resource_link_id: str
    scopes: tuple[str, ...]
    platform_id: int
    issuer: str
    client_id: str
    token_url: str | None
    audience: str | None
    score: dict[str, Any]
    timestamp: datetime


def target_of(link: ResourceLink, slug: str) -> tuple[str, str, str | None] | None:
    """(target_key, mode, lineitem_url) of a link for a module, or None without AGS."""
    if link.lineitem_url:
        return f"li:{link.lineitem_url}", DECLARATIVE, link.lineitem_url
    if link.lineitems_url and link.context_id is not None:
        return f"ctx:{link.context_id}:{slug}", PROGRAMMATIC, None
    return None


def links_for(session: Session, user_id: int, slug: str) -> list[ResourceLink]:
    """Resource links showing a module in the contexts where the learner is a member."""
    return list(
        session.scalars(
            select(ResourceLink)
            .join(Membership, Membership.context_id == ResourceLink.context_id)
            .where(
                Membership.user_id == user_id,
                Membership.active.is_(True),
                ResourceLink.module_slug == slug,
            )
            .order_by(ResourceLink.id)
        )
    )


FULLY_GRADED = "FullyGraded"


def _has_final(conn, where) -> bool:
    """A final score was sent, or waits to be sent, for this learner and line item."""
    found = select(T.id).where(where, T.grading_progress == FULLY_GRADED)
    return conn.execute(found.limit(1)).first() is not None


def enqueue(
    session: Session,
    user_id: int,
    slug: str,
    values: dict[str, Any],
    timestamp: datetime,
    *,
    context_pk: int | None = None,
    now: datetime | None = None,
) -> int:
    """Write (or collapse into) one pending delivery per line item of the learner's module."""
    now = now or clock_of().now()
    count, seen = 0, set()
    for link in links_for(session, user_id, slug):
        target = target_of(link, slug) or outcome_target(session, user_id, link, values)
        if target is None or target[0] in seen:
            continue
        if context_pk is not None and link.context_id != context_pk:
            continue
        seen.add(target[0])
        key, mode, lineitem_url = target
        where = and_(T.user_id == user_id, T.target_key == key)
        conn = session.connection()
        newer = {f: values.get(f) for f in SCORE_FIELDS}
        newer["score_maximum"] = newer["score_maximum"] or 100.0
        if newer.get("grading_progress") != FULLY_GRADED and _has_final(conn, where):
            # Moodle and Open edX keep only FullyGraded scores and clear them on a later
            # Pending one: once a final score exists for this line item, provisional ones wait.
            continue
        # Collapse into the row still waiting (pending, or dead: the newer value carries the
        # problem if it persists). Conditional, so a row a worker has just claimed (in flight,
        # sending older values) is never modified: a new row is added instead.
        waiting = conn.execute(
            select(T.id, T.state)
            .where(where, T.state.in_((PENDING, DEAD)))
            .order_by(T.id.desc())
            .limit(1)
        ).first()
        if waiting is not None:
            reset = {}
            if waiting.state == DEAD:
                cleared = dict.fromkeys(("last_error", "response_status", "response_body"))
                reset = {"state": PENDING, "attempts": 0, "next_attempt_at": now, **cleared}
            result = conn.execute(
                update(T.__table__)
                .where(T.id == waiting.id, T.state == waiting.state, T.timestamp <= timestamp)
                .values(
                    **newer,
                    **reset,
                    timestamp=timestamp,
                    resource_link_id=link.id,
                    updated_at=now,
                )
            )
            if result.rowcount == 1:
                count += 1
                continue
        session.add(
            GradeDelivery(
                user_id=user_id,
                platform_id=link.platform_id,
                resource_link_id=link.id,
                context_id=link.context_id,
                module_slug=slug,
                mode=mode,
                target_key=key,
                lineitem_url=lineitem_url,
                timestamp=timestamp,
                state=PENDING,
                next_attempt_at=now,
                **newer,
            )
        )
        count += 1
    return count


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    events = [obj for obj in session.new if isinstance(obj, ScoreEvent)]
    if not events:
        return
    now = clock_of().now()
    for ev in sorted(events, key=lambda e: aware(e.created_at) or now):
        values = {f: getattr(ev, f) for f in SCORE_FIELDS}
        if enqueue(session, ev.user_id, ev.module_slug, values, ev.created_at or now, now=now):
            session.info["catalyst_outbox_new"] = True


def _after_commit(session: Session) -> None:
    if session.info.pop("catalyst_outbox_new", False):
        new_work.set()


def _after_rollback(session: Session) -> None:
    session.info.pop("catalyst_outbox_new", None)


def install_listeners() -> None:
    """Turn every new ScoreEvent into deliveries in the same transaction (idempotent)."""
    for name, fn in (
        ("before_flush", _before_flush),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(db.session, name, fn):
            event.listen(db.session, name, fn)


def _ready(now: datetime):
    sibling = aliased(GradeDelivery)
    busy = exists().where(
        sibling.user_id == T.user_id,
        sibling.target_key == T.target_key,
        sibling.state == IN_FLIGHT,
        sibling.claimed_until >= now,
        sibling.id != T.id,
    )
    due = or_(
        and_(T.state == PENDING, T.next_attempt_at <= now),
        and_(T.state == IN_FLIGHT, T.claimed_until < now),
    )
    # A disabled platform's rows wait (not sent, no attempt spent) until it is enabled again.
    enabled = exists().where(Platform.id == T.platform_id, Platform.active.is_(True))
    return and_(due, ~busy, enabled)


def claim(
    worker_id: str, limit: int, claim_seconds: float, now: datetime | None = None
) -> list[Job]:
    """Claim up to `limit` due rows for this worker (no row is ever claimed twice at once)."""
    now = now or clock_of().now()
    claim = {
        "state": IN_FLIGHT,
        "claimed_by": worker_id,
        "claimed_until": now + timedelta(seconds=claim_seconds),
        "attempts": T.attempts + 1,
    }
    ids = claim_rows(T, _ready(now), (T.next_attempt_at, T.id), claim, limit)
    return load_jobs(ids)


def load_jobs(ids: list[int]) -> list[Job]:
    """The claimed rows with their learner, link and platform."""
    if not ids:
        return []
    now = clock_of().now()
    rows = db.session.execute(
        select(T, User.sub, ResourceLink, Platform)
        .join(User, User.id == T.user_id)
        .join(ResourceLink, ResourceLink.id == T.resource_link_id)
        .join(Platform, Platform.id == T.platform_id)
        .where(T.id.in_(ids))
        .order_by(T.id)
        .execution_options(populate_existing=True)
    ).all()
    return [
        Job(
            id=d.id,
            attempts=d.attempts,
            user_sub=sub or "",
            module_slug=d.module_slug,
            mode=d.mode,
            lineitem_url=d.lineitem_url,
            lineitems_url=link.lineitems_url,
            resource_link_id=link.resource_link_id,
            scopes=tuple(s for s in (link.ags_scopes or []) if isinstance(s, str)),
            platform_id=p.id,
            issuer=p.issuer,
            client_id=p.client_id,
            token_url=p.auth_token_url,
            audience=p.audience,
            score={f: getattr(d, f) for f in SCORE_FIELDS},
            timestamp=aware(d.timestamp) or now,
        )
        for d, sub, link, p in rows
    ]
