"""Coordinators' weekly summary: per course run, what changed in the last seven days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..auth import roles
from ..auth.models import Context, Membership, User
from ..delivery.models import DEAD, GradeDelivery
from ..extensions import db
from ..learning.models import COMPLETED, SUBMITTED, ModuleProgress, Submission
from ..mentoring.models import CohortMember

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class RunSummary:
    """The figures of one course run."""

    title: str
    new_learners: int
    completions: int
    backlog: int
    failed_deliveries: int


def coordinated_runs(user: User) -> list[Context]:
    """The course runs a person coordinates (a local account: every run, all platforms)."""
    query = select(Context).order_by(Context.id)
    if not user.is_coordinator_account:
        query = query.join(Membership, Membership.context_id == Context.id).where(
            Membership.user_id == user.id,
            Membership.role == roles.COORDINATOR,
            # Tenancy: only runs of the person's own platform.
            Context.platform_id == user.platform_id,
        )
    return list(db.session.scalars(query))


def _count(query) -> int:
    return int(db.session.scalar(query) or 0)


def summary_of(run: Context, now: datetime) -> RunSummary:
    """The run's new learners, module completions, grading backlog and dead grade deliveries."""
    since = now - WEEK
    learners = select(Membership.user_id).where(
        Membership.context_id == run.id, Membership.role == roles.LEARNER
    )
    return RunSummary(
        title=run.title or run.context_id,
        new_learners=_count(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.context_id == run.id,
                Membership.role == roles.LEARNER,
                Membership.created_at >= since,
            )
        ),
        completions=_count(
            select(func.count())
            .select_from(ModuleProgress)
            .where(
                ModuleProgress.user_id.in_(learners),
                ModuleProgress.status == COMPLETED,
                ModuleProgress.completed_at >= since,
            )
        ),
        backlog=_count(
            select(func.count(func.distinct(Submission.id)))
            .join(CohortMember, CohortMember.user_id == Submission.user_id)
            .where(CohortMember.context_id == run.id, Submission.state == SUBMITTED)
        ),
        failed_deliveries=_count(
            select(func.count())
            .select_from(GradeDelivery)
            .where(GradeDelivery.context_id == run.id, GradeDelivery.state == DEAD)
        ),
    )


def course_run_summaries(user: User, now: datetime) -> list[RunSummary]:
    """One summary per course run the person coordinates."""
    return [summary_of(run, now) for run in coordinated_runs(user)]
