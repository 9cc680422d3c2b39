"""Completion records: one row per learner x module, as one streamed SQL statement."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from operator import itemgetter

from flask import current_app
from sqlalchemy import Float, String, and_, case, func, literal, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from ..auth import roles
from ..auth.models import Context, Membership, User
from ..content.loader import load_programme
from ..content.models import ModuleVersion
from ..delivery.models import DELIVERED, GradeDelivery
from ..extensions import db
from ..learning.models import NOT_STARTED, ModuleProgress, Submission
from ..lti.models import Platform
from ..mentoring.models import Cohort, CohortMember, Territory, cohort_mentors
from .filters import Filters

YIELD_PER = 2000
SLUG_COLUMN = 10  # ModuleVersion.slug in statement()'s columns


class iso_utc(FunctionElement):
    """A timestamp as `YYYY-MM-DDTHH:MM:SSZ` text, computed by the database."""

    type = String()
    inherit_cache = True


class round2(FunctionElement):
    """A float rounded to two decimals by the database."""

    type = Float()
    inherit_cache = True


@compiles(iso_utc)
def _iso_default(element, compiler, **kw):
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    if compiler.preparer._double_percents:  # pyformat drivers need %% in the SQL text
        fmt = fmt.replace("%", "%%")
    return f"strftime('{fmt}', {compiler.process(element.clauses, **kw)})"


@compiles(iso_utc, "postgresql")
def _iso_pg(element, compiler, **kw):
    inner = compiler.process(element.clauses, **kw)
    return f"to_char(({inner}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"


@compiles(round2)
def _round_default(element, compiler, **kw):
    return f"round({compiler.process(element.clauses, **kw)}, 2)"


@compiles(round2, "postgresql")
def _round_pg(element, compiler, **kw):
    return f"round(CAST({compiler.process(element.clauses, **kw)} AS NUMERIC), 2)::float8"


def _decided():
    """The latest decided submission of a learner x module (joined by index, no subquery scan)."""
    later = aliased(Submission, name="later")
    newer_decision = (
        select(later.id)
        .where(
            later.user_id == Submission.user_id,
            later.module_slug == Submission.module_slug,
            later.number > Submission.number,
            later.decided_at.is_not(None),
        )
        .exists()
    )
    return and_(Submission.decided_at.is_not(None), ~newer_decision)


def _delivered_at():
    return (
        select(iso_utc(func.max(GradeDelivery.delivered_at)))
        .where(
            GradeDelivery.user_id == User.id,
            GradeDelivery.module_slug == ModuleVersion.slug,
            # `state || ''` keeps SQLite on the (user_id, target_key) index, not the state one.
            GradeDelivery.state.concat("") == DELIVERED,
        )
        .scalar_subquery()
    )


def _lesson_counts():
    """A module's lesson count for learners without progress in it (0 / 3, not 0 / 0)."""
    counts = {m.slug: len(m.lessons) for m in load_programme(current_app.config["CONTENT_PATH"])}
    return case(counts, value=ModuleVersion.slug, else_=0) if counts else literal(0)


def statement(filters: Filters, *, personal: bool = False):
    """The SELECT of completion records (learner x current module), ordered by learner."""
    mp = ModuleProgress
    decider = aliased(User, name="decider")
    nothing = literal(None, String)
    full = func.nullif(
        func.trim(func.coalesce(User.given_name, "") + " " + func.coalesce(User.family_name, "")),
        "",
    )
    # In the order of schema.COLUMNS, then cohort id, user id, context id (not exported).
    columns = (
        Platform.name, Context.context_id, User.sub,
        func.coalesce(User.name, full) if personal else nothing,
        User.email if personal else nothing,
        Territory.code, Territory.name, Territory.region, Cohort.name, nothing,
        ModuleVersion.slug, ModuleVersion.title, func.substr(ModuleVersion.version, 1, 12),
        func.coalesce(mp.status, NOT_STARTED), func.coalesce(mp.lessons_viewed, 0),
        func.coalesce(mp.lessons_total, _lesson_counts()), round2(mp.best_quiz_percent),
        func.coalesce(mp.quiz_attempts, 0), mp.assignment_state, round2(mp.score),
        iso_utc(Submission.decided_at),
        func.coalesce(decider.name, decider.sub) if personal else decider.sub,
        iso_utc(mp.completed_at), _delivered_at(),
        Cohort.id, User.id, Membership.context_id,
    )  # fmt: skip
    query = (
        select(*columns)
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .join(Context, Context.id == Membership.context_id)
        .join(Platform, Platform.id == Context.platform_id)
    )
    query = (
        join_cohorts(query)
        .join(ModuleVersion, true())
        .outerjoin(mp, and_(mp.user_id == User.id, mp.module_slug == ModuleVersion.slug))
        .outerjoin(
            Submission,
            and_(
                Submission.user_id == User.id,
                Submission.module_slug == ModuleVersion.slug,
                _decided(),
            ),
        )
        .outerjoin(decider, decider.id == Submission.decided_by_id)
        .where(Membership.role == roles.LEARNER, ModuleVersion.is_current)
        # Modules are sorted per learner in Python: an index-ordered scan streams at once.
        .order_by(Membership.user_id, Membership.context_id)
    )
    return apply_filters(query, filters, activity=mp.last_activity_at)


def join_cohorts(query):
    """Outer-join a query over Membership to the member's cohort and its territory, if any."""
    return (
        query.outerjoin(
            CohortMember,
            and_(
                CohortMember.user_id == Membership.user_id,
                CohortMember.context_id == Membership.context_id,
            ),
        )
        .outerjoin(Cohort, Cohort.id == CohortMember.cohort_id)
        .outerjoin(Territory, Territory.id == Cohort.territory_id)
    )


def within_contexts(query, filters: Filters, context_id):
    """Restrict a query to the filters' course runs (scope, then the chosen one) on `context_id`."""
    if filters.scope is not None:
        query = query.where(context_id.in_(filters.scope or (-1,)))
    if filters.context_pk:
        query = query.where(context_id == filters.context_pk)
    return query


def apply_filters(query, filters: Filters, *, activity=None):
    """Restrict a query joined to Membership / Cohort / Territory by the filters."""
    query = within_contexts(query, filters, Membership.context_id)
    if filters.cohort_id:
        query = query.where(Cohort.id == filters.cohort_id)
    if filters.territory_id:
        query = query.where(Territory.id == filters.territory_id)
    if filters.region:
        query = query.where(Territory.region == filters.region)
    if activity is not None and filters.date_from:
        query = query.where(activity >= datetime.combine(filters.date_from, time.min, UTC))
    if activity is not None and filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, UTC)
        query = query.where(activity < end)
    return query


def mentors_by_cohort(personal: bool) -> dict[int, str]:
    """Cohort id -> its mentors (names with personal data, else platform user ids)."""
    rows = db.session.execute(
        select(cohort_mentors.c.cohort_id, User.sub, User.name)
        .join(User, User.id == cohort_mentors.c.user_id)
        .order_by(cohort_mentors.c.cohort_id, User.id)
    ).all()
    found: dict[int, list[str]] = {}
    for cohort_id, sub, name in rows:
        found.setdefault(cohort_id, []).append((name if personal and name else sub) or "")
    return {k: ", ".join(v) for k, v in found.items()}


def count(filters: Filters) -> int:
    """How many completion records the filters give (for progress bars and sizing)."""
    inner = statement(filters).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(inner)) or 0


def raw_rows(filters: Filters, *, personal: bool = False) -> Iterator[tuple]:
    """The statement's rows, streamed in batches (server-side cursor where there is one).

    Rows come grouped by learner x context; each group is sorted by module slug here.
    """
    # Core execution on the session's connection: no ORM row processing on the hot path.
    result = db.session.connection().execute(
        statement(filters, personal=personal),
        execution_options={"yield_per": YIELD_PER, "stream_results": True},
    )
    slug = itemgetter(SLUG_COLUMN)
    group: list = []
    user = context = None
    try:
        for row in result:
            if row[-2] != user or row[-1] != context:
                if group:
                    group.sort(key=slug)
                    yield from group
                group, user, context = [], row[-2], row[-1]
            group.append(row)
        group.sort(key=slug)
        yield from group
    finally:
        result.close()


def upper_bound() -> int:
    """Learner memberships x current modules: a cheap bound on the number of records."""
    learners = db.session.scalar(
        select(func.count(Membership.id)).where(Membership.role == roles.LEARNER)
    )
    modules = db.session.scalar(
        select(func.count(ModuleVersion.id)).where(ModuleVersion.is_current)
    )
    return int(learners or 0) * int(modules or 0)
