"""The grading queue: submitted versions of the viewer's cohorts, oldest first (one query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, and_, select
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
            Submission.id.label("submission_id"),
            Submission.user_id.label("user_id"),
            Submission.module_slug.label("module_slug"),
            Submission.number.label("number"),
            Submission.submitted_at.label("submitted_at"),
            previous.due_at.label("due_at"),
            User.name.label("name"),
            User.given_name.label("given_name"),
            User.family_name.label("family_name"),
            User.email.label("email"),
            User.sub.label("sub"),
            Cohort.name.label("cohort"),
            holder.id.label("holder_id"),
            holder.name.label("holder_name"),
            holder.sub.label("holder_sub"),
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
    for row in db.session.execute(query):
        item = _item(row)
        if filters.state and item.state != filters.state:
            continue
        items.append(item)
    return items[:limit] if limit else items


def _item(row: Row) -> QueueItem:
    # Columns are read by label, so adding or reordering one in the select cannot shift values.
    learner = User(
        id=row.user_id,
        name=row.name,
        given_name=row.given_name,
        family_name=row.family_name,
        email=row.email,
        sub=row.sub,
    ).display_name
    shown_holder = None
    if row.holder_id is not None:
        shown_holder = User(id=row.holder_id, name=row.holder_name, sub=row.holder_sub).display_name
    due, when = aware(row.due_at), aware(row.submitted_at)
    return QueueItem(
        submission_id=row.submission_id,
        user_id=row.user_id,
        learner=learner,
        cohort=row.cohort,
        module_slug=row.module_slug,
        number=row.number,
        submitted_at=when,
        overdue=bool(due and when and when > due),
        lease_holder=shown_holder,
        lease_holder_id=row.holder_id,
    )


def next_free(viewer: Viewer, filters: QueueFilters, now: datetime) -> QueueItem | None:
    """The oldest item nobody else is grading."""
    return next(
        (i for i in queue(viewer, filters, now) if i.lease_holder_id in (None, viewer.user_id)),
        None,
    )
