"""The mentor heatmap: learners x modules of the cohorts a viewer follows (constant queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import String, select, type_coerce

from ..auth.models import User
from ..content.services import current_versions
from ..core.models import aware
from ..extensions import db
from ..learning.models import COMPLETED, IN_PROGRESS, NOT_STARTED, ModuleProgress
from ..learning.modules import module_for_version
from .access import Viewer, visible_cohorts
from .models import Cohort, CohortMember

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


def _status(status: str, assignment_state: str | None) -> str:
    if status != COMPLETED and assignment_state == "submitted":
        return "awaiting"
    if status != COMPLETED and assignment_state == "returned":
        return "returned"
    return status


def heatmap(
    viewer: Viewer, filters: Filters, now: datetime, stalled_days: int
) -> tuple[list, list[Row]]:
    """(modules shown, rows) for the viewer's cohorts; three queries whatever the size."""
    modules = programme_modules()
    shown = [m for m in modules if not filters.module or m.slug == filters.module]
    members = select(CohortMember.user_id).where(
        CohortMember.cohort_id.in_(visible_cohorts(viewer))
    )
    if filters.cohort_id:
        members = members.where(CohortMember.cohort_id == filters.cohort_id)
    people = db.session.execute(
        select(
            User.id, User.name, User.given_name, User.family_name, User.email, User.sub, Cohort.name
        )
        .join(CohortMember, CohortMember.user_id == User.id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(User.id.in_(members))
    ).all()
    progress = db.session.execute(
        select(
            ModuleProgress.user_id,
            ModuleProgress.module_slug,
            ModuleProgress.status,
            ModuleProgress.assignment_state,
            ModuleProgress.score,
            # Parsed below with fromisoformat: the ORM's SQLite datetime parser costs more than
            # the whole query on a 1,000-learner cohort. PostgreSQL returns datetimes already.
            type_coerce(ModuleProgress.last_activity_at, String),
        ).where(ModuleProgress.user_id.in_(members))
    ).all()
    by_key = {(p[0], p[1]): p for p in progress}
    empty = Cell()  # shared by every learner x module without progress: cells are read-only
    limit = now - timedelta(days=stalled_days)
    slugs = [(m.slug, m in shown) for m in modules]
    rows: list[Row] = []
    for uid, name, given, family, email, sub, cohort_name in people:
        person = SimpleNamespace(
            id=uid, name=name, given_name=given, family_name=family, email=email, sub=sub
        )
        row = Row(user_id=uid, name=User.display_name.fget(person), cohort=cohort_name)
        for slug, visible in slugs:
            p = by_key.get((uid, slug))
            cell = Cell(_status(p[2], p[3]), p[4], _parse(p[5])) if p else empty
            if cell.status == COMPLETED:
                row.completed += 1
            if cell.last_activity and (
                row.last_activity is None or cell.last_activity > row.last_activity
            ):
                row.last_activity = cell.last_activity
            if visible:
                row.cells.append(cell)
        row.last_activity = aware(row.last_activity)
        row.stalled = row.completed < len(modules) and (
            row.last_activity is None or row.last_activity < limit
        )
        rows.append(row)
    rows = [r for r in rows if _keep(r, filters)]
    return shown, _sorted(rows, filters.sort)


def _keep(row: Row, filters: Filters) -> bool:
    if filters.stalled and not row.stalled:
        return False
    return not filters.status or any(c.status == filters.status for c in row.cells)


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    epoch = datetime.min.replace(tzinfo=UTC)

    def when(r: Row):
        return r.last_activity or epoch

    keys = {
        "name": lambda r: (r.name.lower(), r.user_id),
        "cohort": lambda r: (r.cohort.lower(), r.name.lower()),
        "progress": lambda r: (-r.completed, r.name.lower()),
        "activity": lambda r: (when(r), r.name.lower()),
    }
    return sorted(rows, key=keys.get(sort, keys["name"]))
