"""What each sandbox launch will show, read from the demo course run (for the course page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..auth import roles
from ..auth.models import Membership, User
from ..extensions import db
from ..mentoring import access, queue
from ..mentoring.models import Cohort, CohortMember
from ..mentoring.placement import membership_of
from .seed import course_run, sandbox_platform
from .services import USERS


@dataclass(frozen=True)
class Overview:
    """The demo course run as the three sandbox launches will find it."""

    learner_cohort: str | None
    mentor_cohorts: str
    mentor_learners: int
    waiting: int
    learners: int
    cohorts: int


def _user(platform_id: int, role: str) -> User | None:
    sub = USERS[role]["sub"]
    return db.session.scalar(select(User).filter_by(platform_id=platform_id, sub=sub))


def demo_overview(now: datetime) -> Overview | None:
    """The overview of the sandbox course run, or None while it holds no cohort."""
    platform = sandbox_platform()
    ctx = course_run(platform)
    if platform is None or ctx is None:
        return None
    cohorts = db.session.scalar(select(func.count(Cohort.id)).where(Cohort.context_id == ctx.id))
    if not cohorts:
        return None
    learner, mentor = _user(platform.id, "learner"), _user(platform.id, "mentor")
    placed = membership_of(learner.id, ctx.id) if learner is not None else None
    followed, in_cohorts, waiting = [], 0, 0
    if mentor is not None:
        viewer = access.Viewer(mentor.id, roles.MENTOR, ctx.id)
        followed = [c.name for c in access.cohorts(viewer) if c.context_id == ctx.id]
        in_cohorts = db.session.scalar(
            select(func.count(CohortMember.id)).where(
                CohortMember.cohort_id.in_(access.visible_cohorts(viewer))
            )
        )
        waiting = len(queue.queue(viewer, queue.QueueFilters(), now))
    learners = db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.context_id == ctx.id, Membership.role == roles.LEARNER
        )
    )
    return Overview(
        learner_cohort=placed.cohort.name if placed is not None else None,
        mentor_cohorts=", ".join(followed),
        mentor_learners=in_cohorts or 0,
        waiting=waiting,
        learners=learners or 0,
        cohorts=cohorts,
    )
