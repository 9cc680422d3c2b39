"""The heatmap's SQL: display name and its sort key, derived status, per-learner aggregates.

Everything the page filters or sorts on is an expression here, so a 10,000-learner course run
is filtered, sorted, counted and cut into pages by the database, never in Python.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Integer, String, and_, case, cast, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from ..auth.models import User
from ..learning.models import COMPLETED, NOT_STARTED, ModuleProgress

MARK = "\x00"


class sort_lower(GenericFunction):  # named as the SQL function it renders
    """lower() with Python's str.lower() semantics and code point order (the old sort key)."""

    type = String()
    inherit_cache = True


@compiles(sort_lower, "sqlite")
def _sort_lower_sqlite(element, compiler, **kw):
    # SQLite's lower() folds ASCII only: py_lower is str.lower, registered on every connection.
    return f"py_lower({compiler.process(element.clauses, **kw)})"


@compiles(sort_lower, "postgresql")
def _sort_lower_pg(element, compiler, **kw):
    # "C" compares UTF-8 bytes, that is code points, as Python's sort did.
    return f'lower({compiler.process(element.clauses, **kw)}) COLLATE "C"'


@compiles(sort_lower)
def _sort_lower_default(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


def display_name(user=User):
    """SQL for User.display_name: name, else given + family, else email, else a pseudonym."""
    given, family = func.nullif(user.given_name, ""), func.nullif(user.family_name, "")
    full = case(
        (and_(given.is_not(None), family.is_not(None)), given + " " + family),
        else_=func.coalesce(given, family),
    )
    prefix, _sep, suffix = _("Participant %(ref)s", ref=MARK).partition(MARK)
    ref = func.substr(func.coalesce(func.nullif(user.sub, ""), cast(user.id, String)), 1, 8)
    pseudonym = literal(prefix) + ref + literal(suffix)
    return func.coalesce(func.nullif(user.name, ""), full, func.nullif(user.email, ""), pseudonym)


def derived_status(progress=ModuleProgress):
    """The cell's status: a submitted or returned assignment shows unless the module is done."""
    open_ = progress.status != COMPLETED
    return case(
        (and_(open_, progress.assignment_state == "submitted"), "awaiting"),
        (and_(open_, progress.assignment_state == "returned"), "returned"),
        else_=progress.status,
    )


def aggregates(users, programme: list[str], shown: list[str], status: str | None):  # -> Subquery
    """Per learner of `users`: modules completed, last activity, and the status filter's hits.

    `hits` counts the shown modules in `status`; for not_started it counts the shown modules
    *started*, since a module without a progress row is not started too.
    """
    p = ModuleProgress
    in_shown = p.module_slug.in_(shown) if shown else literal(False)
    if status == NOT_STARTED:
        hit = and_(in_shown, derived_status(p) != NOT_STARTED)
    else:
        hit = and_(in_shown, derived_status(p) == (status or ""))
    return (
        select(
            p.user_id.label("user_id"),
            func.sum(case((p.status == COMPLETED, 1), else_=0)).label("completed"),
            func.max(p.last_activity_at).label("last_activity"),
            func.sum(case((hit, 1), else_=0)).label("hits"),
        )
        .where(p.user_id.in_(users), p.module_slug.in_(programme))
        .group_by(p.user_id)
        .subquery("agg")
    )


def derived_columns(agg, modules: int, shown: int, status: str | None, limit: datetime):
    """(completed, last_activity, stalled, status_match) over a LEFT JOIN of `aggregates`."""
    completed = func.coalesce(agg.c.completed, 0)
    last = agg.c.last_activity
    stalled = and_(completed < modules, or_(last.is_(None), last < limit))
    hits = func.coalesce(agg.c.hits, 0)
    match = hits < shown if status == NOT_STARTED else hits > 0
    return cast(completed, Integer), last, stalled, match
