"""Programme overview figures for the console (a fixed number of queries whatever the size)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from statistics import median

from sqlalchemy import and_, case, func, select

from ..auth import roles
from ..auth.models import Membership
from ..delivery.models import DEAD, IN_FLIGHT, PENDING, GradeDelivery
from ..extensions import db
from ..learning.models import COMPLETED, IN_PROGRESS, SUBMITTED, ModuleProgress, Submission
from .filters import Filters
from .records import apply_filters, join_cohorts


@dataclass
class ModuleFigures:
    """One module's line of the overview."""

    slug: str
    title: str
    learners: int = 0
    started: int = 0
    completed: int = 0
    average_score: float | None = None
    pass_rate: float | None = None


@dataclass
class Overview:
    """What the console's home shows."""

    learners: int
    modules: list[ModuleFigures]
    stalled: int
    backlog: int
    median_decision_hours: float | None
    deliveries: dict[str, int]
    completions_by_week: list[tuple[date, int]] = field(default_factory=list)


def learner_ids(filters: Filters):
    """SELECT of the ids of learners matching the filters (territory, cohort, context...)."""
    query = join_cohorts(select(Membership.user_id).select_from(Membership))
    return apply_filters(query.where(Membership.role == roles.LEARNER), filters)


def _in_range(column, filters: Filters):
    conditions = []
    if filters.date_from:
        conditions.append(column >= datetime.combine(filters.date_from, datetime.min.time(), UTC))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), datetime.min.time(), UTC)
        conditions.append(column < end)
    return conditions


def module_figures(filters: Filters, modules: list, people) -> list[ModuleFigures]:
    """Started, completed, average score and quiz pass rate per module."""
    mp = ModuleProgress
    started = mp.status.in_((IN_PROGRESS, COMPLETED))
    rows = db.session.execute(
        select(
            mp.module_slug,
            func.sum(case((started, 1), else_=0)),
            func.sum(case((mp.status == COMPLETED, 1), else_=0)),
            func.avg(mp.score),
            func.sum(case((mp.quiz_attempts > 0, 1), else_=0)),
            func.sum(case((and_(mp.quiz_attempts > 0, mp.quiz_passed), 1), else_=0)),
        )
        .where(mp.user_id.in_(people), *_in_range(mp.last_activity_at, filters))
        .group_by(mp.module_slug)
    ).all()
    found = {r[0]: r for r in rows}
    distinct = people.distinct().subquery()
    total = db.session.scalar(select(func.count()).select_from(distinct)) or 0
    out = []
    for module in modules:
        figures = ModuleFigures(module.slug, module.title, learners=total)
        row = found.get(module.slug)
        if row:
            figures.started, figures.completed = int(row[1] or 0), int(row[2] or 0)
            figures.average_score = round(row[3], 1) if row[3] is not None else None
            if row[4]:
                figures.pass_rate = round(100.0 * (row[5] or 0) / row[4], 1)
        out.append(figures)
    return out


def stalled_count(people, module_count: int, now: datetime, days: int) -> int:
    """Learners with unfinished modules and no activity for `days` days."""
    mp = ModuleProgress
    per_learner = (
        select(
            mp.user_id,
            func.max(mp.last_activity_at).label("last"),
            func.sum(case((mp.status == COMPLETED, 1), else_=0)).label("done"),
        )
        .where(mp.user_id.in_(people))
        .group_by(mp.user_id)
        .subquery()
    )
    limit = now - timedelta(days=days)
    active = select(func.count()).select_from(per_learner)
    stalled_active = active.where(per_learner.c.last < limit, per_learner.c.done < module_count)
    never = select(func.count()).select_from(people.distinct().subquery()).scalar_subquery()
    total_never = (db.session.scalar(select(never)) or 0) - (db.session.scalar(active) or 0)
    return int(db.session.scalar(stalled_active) or 0) + max(0, total_never)


def grading_figures(people, filters: Filters) -> tuple[int, float | None]:
    """(submissions waiting for a mentor, median hours from submission to decision)."""
    backlog = db.session.scalar(
        select(func.count(Submission.id)).where(
            Submission.state == SUBMITTED, Submission.user_id.in_(people)
        )
    )
    pairs = db.session.execute(
        select(Submission.submitted_at, Submission.decided_at)
        .where(
            Submission.decided_at.is_not(None),
            Submission.submitted_at.is_not(None),
            Submission.user_id.in_(people),
            *_in_range(Submission.decided_at, filters),
        )
        .order_by(Submission.decided_at.desc())
        .limit(5000)
    ).all()
    hours = [(d - s).total_seconds() / 3600 for s, d in pairs]
    return int(backlog or 0), round(median(hours), 1) if hours else None


def delivery_counts(filters: Filters) -> dict[str, int]:
    """Grade deliveries waiting or dead, within the filtered contexts."""
    query = select(GradeDelivery.state, func.count(GradeDelivery.id)).where(
        GradeDelivery.state.in_((PENDING, IN_FLIGHT, DEAD))
    )
    if filters.context_pk:
        query = query.where(GradeDelivery.context_id == filters.context_pk)
    elif filters.scope is not None:
        query = query.where(GradeDelivery.context_id.in_(filters.scope or (-1,)))
    found = dict(db.session.execute(query.group_by(GradeDelivery.state)).all())
    pending = found.get(PENDING, 0) + found.get(IN_FLIGHT, 0)
    return {"pending": pending, "failed": found.get(DEAD, 0)}


def completions_by_week(people, filters: Filters) -> list[tuple[date, int]]:
    """Module completions per week (Monday), oldest first."""
    day = func.date(ModuleProgress.completed_at)
    rows = db.session.execute(
        select(day, func.count())
        .where(
            ModuleProgress.completed_at.is_not(None),
            ModuleProgress.user_id.in_(people),
            *_in_range(ModuleProgress.completed_at, filters),
        )
        .group_by(day)
    ).all()
    weeks: dict[date, int] = {}
    for value, n in rows:
        when = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        monday = when - timedelta(days=when.weekday())
        weeks[monday] = weeks.get(monday, 0) + int(n)
    return sorted(weeks.items())


def overview(filters: Filters, modules: list, now: datetime, stalled_days: int) -> Overview:
    """Every figure of the console's home for these filters."""
    people = learner_ids(filters)
    figures = module_figures(filters, modules, people)
    backlog, median_hours = grading_figures(people, filters)
    return Overview(
        learners=figures[0].learners if figures else 0,
        modules=figures,
        stalled=stalled_count(people, len(modules), now, stalled_days),
        backlog=backlog,
        median_decision_hours=median_hours,
        deliveries=delivery_counts(filters),
        completions_by_week=completions_by_week(people, filters),
    )
