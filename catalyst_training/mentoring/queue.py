"""The grading queue: submitted versions of the viewer's cohorts, oldest first.

Filters (the derived state too), order, count and paging run in SQL: one query per page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, Select, and_, func, not_, or_, select
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..core.models import aware
from ..extensions import db
from ..learning.models import SUBMITTED, Submission
from .access import Viewer, visible_cohorts
from .models import Cohort, CohortMember, GradingLease
from .paging import Page

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


def _query(viewer: Viewer, filters: QueueFilters, now: datetime) -> Select:
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
        .order_by(Submission.submitted_at, Submission.id, CohortMember.cohort_id)
    )
    if filters.module:
        query = query.where(Submission.module_slug == filters.module)
    if filters.cohort_id:
        query = query.where(CohortMember.cohort_id == filters.cohort_id)
    if filters.learner:
        like = f"%{filters.learner.strip()}%"
        query = query.where(User.name.ilike(like) | User.email.ilike(like) | User.sub.ilike(like))
    # QueueItem.state in SQL: handed in after the date set when the previous one was returned.
    overdue = and_(
        previous.due_at.is_not(None),
        Submission.submitted_at.is_not(None),
        Submission.submitted_at > previous.due_at,
    )
    if filters.state == "overdue":
        query = query.where(overdue)
    elif filters.state == "resubmitted":
        query = query.where(not_(overdue), Submission.number > 1)
    elif filters.state == "submitted":
        query = query.where(not_(overdue), Submission.number <= 1)
    return query


def queue(
    viewer: Viewer, filters: QueueFilters, now: datetime, limit: int | None = None
) -> list[QueueItem]:
    """Submitted versions in the viewer's cohorts, oldest first, with who holds a lease."""
    query = _query(viewer, filters, now)
    if limit:
        query = query.limit(limit)
    return [_item(row) for row in db.session.execute(query)]


def queue_page(
    viewer: Viewer, filters: QueueFilters, now: datetime, page: Page
) -> tuple[list[QueueItem], Page]:
    """One page of the queue and the page with its total (one query; two beyond the end)."""
    query = _query(viewer, filters, now)
    counted = query.add_columns(func.count().over().label("total"))
    found = db.session.execute(counted.limit(page.size).offset(page.offset)).all()
    if not found and page.number > 1:
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        page = Page(page.number, page.size, total or 0).clamped()
        found = db.session.execute(counted.limit(page.size).offset(page.offset)).all()
    page = Page(page.number, page.size, found[0].total if found else 0)
    return [_item(row) for row in found], page


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
    free = or_(GradingLease.holder_id.is_(None), GradingLease.holder_id == viewer.user_id)
    row = db.session.execute(_query(viewer, filters, now).where(free).limit(1)).first()
    return _item(row) if row is not None else None
