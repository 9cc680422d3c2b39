"""The mentor heatmap: one page of learners x modules of the cohorts a viewer follows.

Filters, per-learner aggregates, sort, count and paging run in SQL (heatmap_sql.py), and the
page's cells are joined to the page's learners: one statement whatever the course run's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import String, and_, case, func, select, type_coerce

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
    """What one request asks: the programme, the modules shown, the scope, the stalled limit."""

    programme: list[str]
    shown: list[str]
    scope: list
    limit: datetime
    filters: Filters

    @property
    def needs_aggregates(self) -> bool:
        """Whether every learner's aggregates are needed to filter or sort (not just the page's)."""
        f = self.filters
        return f.sort in ("progress", "activity") or bool(f.status) or f.stalled


def _scope(viewer: Viewer, filters: Filters) -> list:
    """Conditions on CohortMember: the viewer's cohorts (tenancy), and the cohort asked for."""
    scope = [CohortMember.cohort_id.in_(visible_cohorts(viewer))]
    if filters.cohort_id:
        scope.append(CohortMember.cohort_id == filters.cohort_id)
    return scope


def _order(sort: str, c) -> list:
    """ORDER BY of a sort over `c` (the learners' labels or the page's columns); ids break ties."""
    tail = [c.name_key, c.user_id, c.cohort_id]
    if sort == "cohort":
        return [c.cohort_key, *tail]
    if sort == "progress":
        return [c.completed.desc(), *tail]
    if sort == "activity":
        # Never active first (the oldest activity), as the Python sort on datetime.min did.
        return [case((c.last.is_(None), 0), else_=1), c.last, *tail]
    return tail


def _learners(plan: _Plan, modules: int):
    """SELECT of the scope's learners, filtered, with their sort keys (and aggregates if needed)."""
    # Only what sorts and filters is computed for every learner; the names shown are read for
    # the page's learners only (the outer query).
    cols = {
        "user_id": CohortMember.user_id,
        "cohort_id": CohortMember.cohort_id,
        "name_key": hs.sort_lower(hs.display_name()),
    }
    query = (
        select()
        .select_from(CohortMember)
        .join(User, User.id == CohortMember.user_id)
        .where(*plan.scope)
    )
    if plan.filters.sort == "cohort":
        query = query.join(Cohort, Cohort.id == CohortMember.cohort_id)
        cols["cohort_key"] = hs.sort_lower(Cohort.name)
    if plan.needs_aggregates:
        members = select(CohortMember.user_id).where(*plan.scope)
        agg = hs.aggregates(members, plan.programme, plan.shown, plan.filters.status)
        completed, last, stalled, match = hs.derived_columns(
            agg, modules, len(plan.shown), plan.filters.status, plan.limit
        )
        query = query.outerjoin(agg, agg.c.user_id == CohortMember.user_id)
        # The aggregates read every learner anyway: count them in the same pass.
        cols |= {"completed": completed, "last": last, "stalled": stalled}
        cols["total"] = func.count().over()
        if plan.filters.status:
            query = query.where(match)
        if plan.filters.stalled:
            query = query.where(stalled)
    # ORDER BY names these labels: each key is computed once per learner.
    labeled = {key: expr.label(key) for key, expr in cols.items()}
    return query.add_columns(*labeled.values()), _Columns(**labeled)


@dataclass
class _Columns:
    """The learners' select's expressions by name (for its ORDER BY)."""

    user_id: object
    cohort_id: object
    name_key: object
    cohort_key: object = None
    completed: object = None
    last: object = None
    stalled: object = None
    total: object = None


def _statement(plan: _Plan, modules: int, size: int, offset: int):
    """The page: its learners in order, their aggregates, the total and their cells."""
    learners, inner = _learners(plan, modules)
    page = learners.order_by(*_order(plan.filters.sort, inner)).limit(size).offset(offset)
    page = page.cte("page")
    c = page.c
    shown_name = hs.display_name().label("name")
    found = (
        select(c.user_id, c.cohort_id, shown_name, Cohort.name.label("cohort"))
        .select_from(page)
        .join(User, User.id == c.user_id)
        .join(Cohort, Cohort.id == c.cohort_id)
    )
    if plan.needs_aggregates:
        found = found.add_columns(c.completed, c.last, c.stalled, c.total)
    else:
        # Aggregates of the page's learners only, and a count on the membership index.
        agg = hs.aggregates(select(c.user_id), plan.programme, plan.shown, None)
        completed, last, stalled, _match = hs.derived_columns(agg, modules, 0, None, plan.limit)
        total = select(func.count()).select_from(CohortMember).where(*plan.scope)
        found = found.add_columns(
            completed.label("completed"),
            last.label("last"),
            stalled.label("stalled"),
            total.scalar_subquery().label("total"),
        ).outerjoin(agg, agg.c.user_id == c.user_id)
    p = ModuleProgress
    cells = and_(p.user_id == c.user_id, p.module_slug.in_(plan.shown))
    found = found.add_columns(
        p.module_slug.label("slug"),
        hs.derived_status(p).label("status"),
        p.score.label("score"),
        # Parsed with fromisoformat: cheaper than the ORM's SQLite datetime parser.
        type_coerce(p.last_activity_at, String).label("when"),
    ).outerjoin(p, cells)
    outer = _Columns(**{k: getattr(c, k, None) for k in _Columns.__dataclass_fields__})
    return found.order_by(*_order(plan.filters.sort, outer)), learners


def _rows(found, shown: list[str]) -> list[Row]:
    """One Row per learner (and cohort) of the page, cells in the shown modules' order."""
    empty = Cell()  # shared by every learner x module without progress: cells are read-only
    rows: list[Row] = []
    by_slug: dict[str, Cell] = {}
    key = None
    for r in found:
        if (r.user_id, r.cohort_id) != key:
            key, by_slug = (r.user_id, r.cohort_id), {}
            rows.append(
                Row(
                    user_id=r.user_id,
                    name=r.name,
                    cohort=r.cohort,
                    cells=by_slug,  # type: ignore[arg-type]  (replaced below)
                    last_activity=aware(_parse(r.last)),
                    stalled=bool(r.stalled),
                    completed=int(r.completed or 0),
                )
            )
        if r.slug is not None:
            by_slug[r.slug] = Cell(r.status, r.score, _parse(r.when))
    for row in rows:
        row.cells = [row.cells.get(slug, empty) for slug in shown]  # type: ignore[union-attr]
    return rows


def heatmap(
    viewer: Viewer, filters: Filters, now: datetime, stalled_days: int, page: Page
) -> tuple[list, list, list[Row], Page]:
    """(programme, modules shown, the page's rows, the page with its total) for the viewer."""
    modules = programme_modules()
    shown = [m for m in modules if not filters.module or m.slug == filters.module]
    plan = _Plan(
        programme=[m.slug for m in modules],
        shown=[m.slug for m in shown],
        scope=_scope(viewer, filters),
        limit=now - timedelta(days=stalled_days),
        filters=filters,
    )
    statement, learners = _statement(plan, len(modules), page.size, page.offset)
    found = db.session.execute(statement).all()
    if not found and page.number > 1:
        # Beyond the last page (a stale link): show the last one instead.
        total = db.session.scalar(select(func.count()).select_from(learners.subquery()))
        page = Page(page.number, page.size, total or 0).clamped()
        statement, _same = _statement(plan, len(modules), page.size, page.offset)
        found = db.session.execute(statement).all()
    page = Page(page.number, page.size, found[0].total if found else 0)
    return modules, shown, _rows(found, plan.shown), page
