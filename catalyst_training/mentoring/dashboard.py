"""The mentor heatmap: one page of learners x modules of the cohorts a viewer follows.

Filters, per-learner aggregates, sort, count and paging run in SQL (heatmap_sql.py); the cells
are then read for the page's learners only: three statements whatever the course run's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, cast, func, select, type_coerce

from ..auth.models import User
from ..content.services import current_versions
from ..core.models import aware
from ..extensions import db
from ..learning.models import COMPLETED, IN_PROGRESS, NOT_STARTED, ModuleProgress
from ..learning.modules import module_for_version
from . import heatmap_sql as hs
from .access import Viewer, visible_cohorts
from .models import Cohort, CohortMember
from .paging import Page

STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, "awaiting", "returned")
SORTS = ("name", "progress", "activity", "cohort")


@dataclass(slots=True)
class Cell:
    """One learner x module: status, score, last activity."""

    status: str = NOT_STARTED
    score: float | None = None
    last_activity: datetime | None = None


@dataclass(slots=True)
class Row:
    """One learner line of the heatmap."""

    user_id: int
    name: str
    cohort: str
    cells: list[Cell] = field(default_factory=list)
    last_activity: datetime | None = None
    stalled: bool = False

    completed: int = 0


@dataclass(frozen=True)
class Filters:
    """What the mentor asked to see."""

    cohort_id: int | None = None
    module: str | None = None
    status: str | None = None
    stalled: bool = False
    sort: str = "name"


def _parse(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def programme_modules() -> list:
    """Current modules in programme order (one query; versions cached by id)."""
    mods = [module_for_version(v.id) for v in current_versions()]
    return sorted((m for m in mods if m), key=lambda m: (m.order, m.slug))


@dataclass
class _Plan:
    """The page query's pieces for one request."""

    programme: list[str]
    shown: list[str]
    scope: list
    limit: datetime
    agg: object = None


def _scope(viewer: Viewer, filters: Filters) -> list:
    """Conditions on CohortMember: the viewer's cohorts (tenancy), and the cohort asked for."""
    scope = [CohortMember.cohort_id.in_(visible_cohorts(viewer))]
    if filters.cohort_id:
        scope.append(CohortMember.cohort_id == filters.cohort_id)
    return scope


def _order(filters: Filters, name_key, completed, last) -> list:
    tail = [name_key, CohortMember.user_id, CohortMember.cohort_id]
    if filters.sort == "cohort":
        return [hs.sort_lower(Cohort.name), *tail]
    if filters.sort == "progress":
        return [completed.desc(), *tail]
    if filters.sort == "activity":
        # Never active first (the oldest activity), as the Python sort on datetime.min did.
        return [func.coalesce(cast(last.is_not(None), Integer), 0), last, *tail]
    return tail


def _page_query(plan: _Plan, filters: Filters, modules: int, size: int, offset: int):
    """Learners of the page in order, the total, and (when filtered or sorted on) aggregates."""
    name = hs.display_name()
    query = (
        select(
            CohortMember.user_id,
            name.label("name"),
            Cohort.name.label("cohort"),
            func.count().over().label("total"),
        )
        .select_from(CohortMember)
        .join(User, User.id == CohortMember.user_id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(*plan.scope)
    )
    completed = last = None
    if filters.sort in ("progress", "activity") or filters.status or filters.stalled:
        members = select(CohortMember.user_id).where(*plan.scope)
        plan.agg = hs.aggregates(members, plan.programme, plan.shown, filters.status)
        completed, last, stalled, match = hs.derived_columns(
            plan.agg, modules, len(plan.shown), filters.status, plan.limit
        )
        query = query.outerjoin(plan.agg, plan.agg.c.user_id == CohortMember.user_id)
        query = query.add_columns(
            completed.label("completed"), last.label("last"), stalled.label("stalled")
        )
        if filters.status:
            query = query.where(match)
        if filters.stalled:
            query = query.where(stalled)
    order = _order(filters, hs.sort_lower(name), completed, last)
    return query.order_by(*order).limit(size).offset(offset)


def _page_aggregates(plan: _Plan, ids: list[int], modules: int) -> dict[int, tuple]:
    """user id -> (completed, last activity, stalled) for the page's learners only."""
    agg = hs.aggregates(ids, plan.programme, plan.shown, None)
    completed, last, stalled, _match = hs.derived_columns(agg, modules, 0, None, plan.limit)
    found = db.session.execute(
        select(User.id, completed, last, stalled)
        .outerjoin(agg, agg.c.user_id == User.id)
        .where(User.id.in_(ids))
    )
    return {uid: (done, when, bool(late)) for uid, done, when, late in found}


def _cells(ids: list[int], shown: list[str]) -> dict[tuple[int, str], Cell]:
    p = ModuleProgress
    found = db.session.execute(
        select(
            p.user_id,
            p.module_slug,
            hs.derived_status(p),
            p.score,
            # Parsed with fromisoformat: cheaper than the ORM's SQLite datetime parser.
            type_coerce(p.last_activity_at, String),
        ).where(p.user_id.in_(ids), p.module_slug.in_(shown))
    )
    return {(u, s): Cell(st, score, _parse(when)) for u, s, st, score, when in found}


def heatmap(
    viewer: Viewer, filters: Filters, now: datetime, stalled_days: int, page: Page
) -> tuple[list, list[Row], Page]:
    """(modules shown, the page's rows, the page with its total) for the viewer's cohorts."""
    modules = programme_modules()
    shown = [m for m in modules if not filters.module or m.slug == filters.module]
    plan = _Plan(
        programme=[m.slug for m in modules],
        shown=[m.slug for m in shown],
        scope=_scope(viewer, filters),
        limit=now - timedelta(days=stalled_days),
    )
    found = db.session.execute(
        _page_query(plan, filters, len(modules), page.size, page.offset)
    ).all()
    if not found and page.number > 1:
        # Beyond the last page (a stale link): show the last one instead.
        query = _page_query(plan, filters, len(modules), page.size, 0).limit(None).offset(None)
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        page = Page(page.number, page.size, total or 0).clamped()
        found = db.session.execute(
            _page_query(plan, filters, len(modules), page.size, page.offset)
        ).all()
    page = Page(page.number, page.size, found[0].total if found else 0)
    if not found:
        return shown, [], page
    ids = [r.user_id for r in found]
    if plan.agg is not None:
        aggs = {r.user_id: (r.completed, r.last, bool(r.stalled)) for r in found}
    else:
        aggs = _page_aggregates(plan, ids, len(modules))
    cells = _cells(ids, plan.shown)
    empty = Cell()  # shared by every learner x module without progress: cells are read-only
    rows = []
    for r in found:
        completed, last, stalled = aggs[r.user_id]
        rows.append(
            Row(
                user_id=r.user_id,
                name=r.name,
                cohort=r.cohort,
                cells=[cells.get((r.user_id, slug), empty) for slug in plan.shown],
                last_activity=aware(_parse(last)),
                stalled=stalled,
                completed=int(completed or 0),
            )
        )
    return shown, rows, page
