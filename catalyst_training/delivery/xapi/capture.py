"""Domain events become statements in the outbox, in the transaction of the change they record.

Only people of a platform with an LRS (its own, or the global one) have statements recorded; the
rows wait in `xapi_statements` until the worker sends them, so an LRS that is down delays them
and loses nothing.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy import or_, select

from ...auth.models import Context, Membership, ResourceLink, User
from ...content.services import current_versions
from ...core import events
from ...core.clock import clock_of
from ...core.models import aware
from ...extensions import db
from ...learning.models import COMPLETED, ModuleProgress
from ...lti.models import Platform
from ...mentoring.models import Cohort, CohortMember
from ..models import PENDING
from .builders import build
from .models import LrsEndpoint, XapiStatement
from .statements import Who

log = logging.getLogger(__name__)


def lrs_for(platform_id: int | None) -> LrsEndpoint | None:
    """The active LRS of a platform: its own, else the global one; None when there is none."""
    found = db.session.scalars(
        select(LrsEndpoint)
        .where(
            LrsEndpoint.active.is_(True),
            or_(LrsEndpoint.platform_id == platform_id, LrsEndpoint.platform_id.is_(None)),
        )
        .order_by(LrsEndpoint.platform_id.is_(None))
    ).first()
    return found


def who_for(user: User, issuer: str, context_pk: int | None, send_email: bool) -> Who:
    """The learner's identity for the LRS and the course run (and cohort) of their statements."""
    member = db.session.execute(
        select(CohortMember.context_id, Cohort.id, Cohort.name)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(
            CohortMember.user_id == user.id,
            *([CohortMember.context_id == context_pk] if context_pk is not None else []),
        )
        .order_by(CohortMember.placed_at.desc(), CohortMember.id.desc())
        .limit(1)
    ).first()
    if context_pk is None:
        context_pk = member.context_id if member is not None else None
    if context_pk is None:
        context_pk = db.session.scalar(
            select(Membership.context_id)
            .where(Membership.user_id == user.id, Membership.active.is_(True))
            .order_by(Membership.updated_at.desc(), Membership.id.desc())
            .limit(1)
        )
    context = db.session.get(Context, context_pk) if context_pk is not None else None
    return Who(
        user_id=user.id,
        issuer=issuer,
        sub=user.sub or str(user.id),
        email=user.email if send_email and user.email else None,
        platform_pk=user.platform_id,
        context_pk=context.id if context else None,
        context_ref=context.context_id if context else None,
        context_title=context.title if context else None,
        cohort_pk=member[1] if member is not None else None,
        cohort_name=member[2] if member is not None else None,
    )


def statements_for(
    event: events.Event, lrs: LrsEndpoint | None = None, people: dict | None = None
) -> tuple[LrsEndpoint | None, list[dict], Who | None]:
    """The LRS and statements recording `event` for its person (nothing without an LRS).

    `people` memoises each person's LRS and identity across calls (a replay of a history).
    """
    key = (event.user_id, event.data.get("context_pk"))
    if people is not None and key in people:
        lrs, who = people[key]
    else:
        lrs, who = _person(event, lrs)
        if people is not None:
            people[key] = (lrs, who)
    if lrs is None or who is None:
        return None, [], None
    if event.kind == events.LAUNCHED and event.data.get("resource_link_pk"):
        slug = db.session.scalar(
            select(ResourceLink.module_slug).where(
                ResourceLink.id == event.data["resource_link_pk"]
            )
        )
        event = replace(event, data={**event.data, "module_slug": slug})
    if event.kind == events.MODULE_COMPLETED:
        event = replace(
            event, data={**event.data, "programme_done_at": programme_done_at(event.user_id)}
        )
    mentor = None
    if event.actor_id is not None and event.kind == events.DECIDED:
        mentor = _mentor_who(event.actor_id)
    return lrs, build(event, who, mentor), who


def _person(event: events.Event, lrs: LrsEndpoint | None) -> tuple[LrsEndpoint | None, Who | None]:
    user = db.session.get(User, event.user_id)
    if user is None or user.platform_id is None:
        return None, None
    lrs = lrs or lrs_for(user.platform_id)
    if lrs is None:
        return None, None
    issuer = db.session.scalar(select(Platform.issuer).where(Platform.id == user.platform_id))
    return lrs, who_for(user, issuer or "", event.data.get("context_pk"), lrs.send_email)


def _mentor_who(mentor_id: int) -> Who | None:
    row = db.session.execute(
        select(User.id, User.sub, Platform.issuer)
        .join(Platform, Platform.id == User.platform_id)
        .where(User.id == mentor_id)
    ).first()
    return Who(user_id=row[0], issuer=row[2], sub=row[1] or str(row[0])) if row else None


def programme_done_at(user_id: int) -> datetime | None:
    """When the learner finished the programme (the last module's completion), else None."""
    slugs = {v.slug for v in current_versions()}
    if not slugs:
        return None
    rows = db.session.execute(
        select(ModuleProgress.module_slug, ModuleProgress.completed_at).where(
            ModuleProgress.user_id == user_id,
            ModuleProgress.status == COMPLETED,
            ModuleProgress.module_slug.in_(slugs),
        )
    ).all()
    if {slug for slug, _ in rows} != slugs:
        return None
    return max(aware(at) for _, at in rows if at is not None)


def record(lrs: LrsEndpoint, who: Who, statements: list[dict]) -> int:
    """Add the statements not recorded yet to the outbox (flush only); how many were added."""
    if not statements:
        return 0
    ids = [s["id"] for s in statements]
    known = set(
        db.session.scalars(
            select(XapiStatement.statement_id).where(XapiStatement.statement_id.in_(ids))
        )
    )
    added, now = 0, clock_of().now()
    for body in statements:
        if body["id"] in known:
            continue
        known.add(body["id"])
        db.session.add(
            XapiStatement(
                statement_id=body["id"],
                lrs_id=lrs.id,
                user_id=who.user_id,
                platform_id=who.platform_pk,
                context_id=who.context_pk,
                verb=body["verb"]["display"]["en-US"][:40],
                timestamp=_parse(body["timestamp"]),
                body=body,
                state=PENDING,
                next_attempt_at=now,
            )
        )
        added += 1
    if added:
        db.session.info["catalyst_outbox_new"] = True
    return added


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def on_event(event: events.Event) -> None:
    """The events listener: record the statements of `event` in the outbox.

    In a savepoint: a statement that cannot be built is logged, and the learner's action (the
    launch, the submission) still goes through; `xapi replay` can rebuild it once fixed.
    """
    user = db.session.get(User, event.user_id)
    lrs = lrs_for(user.platform_id) if user is not None and user.platform_id else None
    if lrs is None:
        return  # no LRS for this person: one query, no savepoint
    try:
        with db.session.begin_nested():
            lrs, statements, who = statements_for(event, lrs)
            if lrs is not None and who is not None:
                record(lrs, who, statements)
    except Exception:
        log.exception("xAPI: no statement recorded for %s of user %s", event.kind, event.user_id)
