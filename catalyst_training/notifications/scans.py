"""Time-based events found by a periodic scan: leases about to end, learners newly stalled.

Each is one INSERT ... SELECT of events for the mentors who want them (and can be reached),
kept single by a dedupe key, so a scan repeated by any worker adds nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Integer, String, and_, case, cast, exists, func, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..extensions import db
from ..learning.models import COMPLETED, SUBMITTED, ModuleProgress, Submission
from ..mentoring.models import CohortMember, GradingLease, cohort_mentors
from .models import IMMEDIATE, LEASE_EXPIRING, MENTOR, OFF, STALLED, NotificationEvent
from .schedule import mode_expr, reachable

E = NotificationEvent
COLUMNS = ("recipient_id", "audience", "kind", "platform_id", "context_id", "learner_id",
           "submission_id", "module_slug", "dedupe_key", "created_at")  # fmt: skip
LOOKBACK = timedelta(days=7)  # a worker stopped for a few days still finds who stalled meanwhile


def _insert(rows) -> int:
    try:
        with db.session.begin_nested():
            return int(db.session.execute(insert(E).from_select(COLUMNS, rows)).rowcount or 0)
    except IntegrityError:
        return 0  # another worker's scan recorded them first


def _new(key, recipient):
    told = aliased(E)
    return ~exists().where(told.recipient_id == recipient, told.dedupe_key == key)


def leases_ending(now: datetime) -> int:
    """Events for mentors in immediate mode whose review hold ends within the warning time."""
    minutes = int(current_app.config.get("NOTIFY_LEASE_WARN_MINUTES") or 5)
    key = (
        literal("lease:")
        + cast(GradingLease.submission_id, String)
        + literal(":")
        + cast(GradingLease.expires_at, String)
    )
    holder = aliased(User)
    rows = (
        select(
            GradingLease.holder_id,
            literal(MENTOR),
            literal(LEASE_EXPIRING),
            holder.platform_id,
            literal(None, Integer),
            Submission.user_id,
            Submission.id,
            Submission.module_slug,
            key,
            literal(now),
        )
        .join(Submission, Submission.id == GradingLease.submission_id)
        .join(holder, holder.id == GradingLease.holder_id)
        .where(Submission.state == SUBMITTED, GradingLease.expires_at >= now)
        .where(GradingLease.expires_at <= now + timedelta(minutes=minutes))
        .where(mode_expr(GradingLease.holder_id, literal(MENTOR)) == IMMEDIATE)
        .where(reachable(GradingLease.holder_id), _new(key, GradingLease.holder_id))
    )
    return _insert(rows)


def newly_stalled(now: datetime) -> int:
    """Events for the mentors of learners whose last activity just passed STALLED_DAYS."""
    days = int(current_app.config.get("STALLED_DAYS") or 14)
    limit = now - timedelta(days=days)
    mp = ModuleProgress
    last = (
        select(mp.user_id.label("uid"), func.max(mp.last_activity_at).label("last"))
        .group_by(mp.user_id)
        .having(func.sum(case((mp.status != COMPLETED, 1), else_=0)) > 0)
        .subquery()
    )
    learner, mentor = aliased(User), aliased(User)
    key = (
        literal("stalled:")
        + cast(last.c.uid, String)
        + literal(":")
        + cast(func.date(last.c.last), String)
    )
    rows = (
        select(
            cohort_mentors.c.user_id,
            literal(MENTOR),
            literal(STALLED),
            learner.platform_id,
            CohortMember.context_id,
            last.c.uid,
            literal(None, Integer),
            literal(None, String),
            key,
            literal(now),
        )
        .join(CohortMember, CohortMember.user_id == last.c.uid)
        .join(cohort_mentors, cohort_mentors.c.cohort_id == CohortMember.cohort_id)
        .join(learner, learner.id == last.c.uid)
        .join(mentor, mentor.id == cohort_mentors.c.user_id)
        .where(and_(last.c.last < limit, last.c.last >= limit - LOOKBACK))
        .where(mentor.platform_id == learner.platform_id)
        .where(mode_expr(cohort_mentors.c.user_id, literal(MENTOR)) != OFF)
        .where(reachable(cohort_mentors.c.user_id), _new(key, cohort_mentors.c.user_id))
        .distinct()
    )
    return _insert(rows)


def scan(now: datetime) -> int:
    """Both scans; how many events they added (flush only)."""
    return leases_ending(now) + newly_stalled(now)
