"""The grading queue: submitted versions of the viewer's cohorts, oldest first (one query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..core.models import aware
from ..extensions import db
from ..learning.models import SUBMITTED, Submission
from .access import Viewer, visible_cohorts
from .models import Cohort, CohortMember, GradingLease

STATES = ("submitted", "resubmitted", "overdue")


@dataclass(frozen=True)
class QueueFilters:
    """What the mentor asked to see."""

    module: str | None = None
    cohort_id: int | None = None
    state: str | None = None
    learner: str | None = None


@dataclass
class QueueItem:
    """One version waiting for a review."""

    submission_id: int
    user_id: int
    learner: str
    cohort: str
    module_slug: str
    number: int
    submitted_at: datetime | None
    overdue: bool
    lease_holder: str | None
    lease_holder_id: int | None

    @property
    def state(self) -> str:
        """submitted, resubmitted or overdue (resubmitted after the date set at return)."""
        if self.overdue:
            return "overdue"
        return "resubmitted" if self.number > 1 else "submitted"


def queue(
    viewer: Viewer, filters: QueueFilters, now: datetime, limit: int | None = None
) -> list[QueueItem]:
    """Submitted versions in the viewer's cohorts, oldest first, with who holds a lease."""
    previous = aliased(Submission)
    holder = aliased(User)
    query = (
        select(
            Submission.id,
            Submission.user_id,
            Submission.module_slug,
            Submission.number,
            Submission.submitted_at,
            previous.due_at,
            User.name,
            User.given_name,
            User.family_name,
            User.email,
            User.sub,
            Cohort.name,
            holder.id,
            holder.name,
            holder.sub,
            GradingLease.expires_at,
        )
        .join(User, User.id == Submission.user_id)
        .join(CohortMember, CohortMember.user_id == Submission.user_id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .outerjoin(
            previous,
            and_(
                previous.user_id == Submission.user_id,
                previous.module_slug == Submission.module_slug,
                previous.number == Submission.number - 1,
            ),
        )
        .outerjoin(
            GradingLease,
            and_(GradingLease.submission_id == Submission.id, GradingLease.expires_at >= now),
        )
        .outerjoin(holder, holder.id == GradingLease.holder_id)
        .where(Submission.state == SUBMITTED, CohortMember.cohort_id.in_(visible_cohorts(viewer)))
        .order_by(Submission.submitted_at, Submission.id)
    )
    if filters.module:
        query = query.where(Submission.module_slug == filters.module)
    if filters.cohort_id:
        query = query.where(CohortMember.cohort_id == filters.cohort_id)
    if filters.learner:
        like = f"%{filters.learner.strip()}%"
        query = query.where(User.name.ilike(like) | User.email.ilike(like) | User.sub.ilike(like))
    items = []
    for (
        sid,
        uid,
        slug,
        number,
        submitted_at,
        due_at,
        name,
        given,
        family,
        email,
        sub,
        cohort,
        holder_id,
        holder_name,
        holder_sub,
        _expires,
    ) in db.session.execute(query):
        learner = User(
            id=uid, name=name, given_name=given, family_name=family, email=email, sub=sub
        ).display_name
        shown_holder = None
        if holder_id is not None:
            shown_holder = User(id=holder_id, name=holder_name, sub=holder_sub).display_name
        due, when = aware(due_at), aware(submitted_at)
        overdue = bool(due and when and when > due)
        item = QueueItem(
            sid, uid, learner, cohort, slug, number, when, overdue, shown_holder, holder_id
        )
        if filters.state and item.state != filters.state:
            continue
        items.append(item)
    return items[:limit] if limit else items


def next_free(viewer: Viewer, filters: QueueFilters, now: datetime) -> QueueItem | None:
    """The oldest item nobody else is grading."""
    return next(
        (i for i in queue(viewer, filters, now) if i.lease_holder_id in (None, viewer.user_id)),
        None,
    )
