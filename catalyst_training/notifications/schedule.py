"""When messages are due: rows made by cheap INSERT ... SELECT statements at each worker round.

Immediate audiences get a message as soon as an event waits (and none of theirs is pending);
daily digests once a day after NOTIFY_DIGEST_HOUR; coordinators' summaries once a week. The
unique (person, audience, period) key makes one message per person per period, whatever the
number of workers.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Integer, String, case, cast, exists, func, insert, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..delivery.models import IN_FLIGHT, PENDING
from ..extensions import db
from .models import (
    COORDINATOR,
    DAILY,
    DEFAULT_MODE,
    IMMEDIATE,
    OFF,
    WEEKLY,
    NotificationAddress,
    NotificationEvent,
    NotificationMessage,
    NotificationPreference,
)

E, M, P = NotificationEvent, NotificationMessage, NotificationPreference
COLUMNS = ("user_id", "audience", "period_key", "platform_id", "context_id", "state", "attempts",
           "next_attempt_at", "events_count", "created_at", "updated_at")  # fmt: skip


def mode_expr(user_col, audience_col):
    """SQL: the person's mode for the audience (their choice, else the default)."""
    chosen = (
        select(P.mode)
        .where(P.user_id == user_col, P.audience == audience_col)
        .correlate_except(P)
        .scalar_subquery()
    )
    default = case(
        *[(audience_col == aud, literal(mode)) for aud, mode in DEFAULT_MODE.items()],
        else_=literal(OFF),
    )
    return func.coalesce(chosen, default)


def reachable(user_col):
    """SQL: the person has a usable address (the platform's, or a confirmed one of their own)."""
    # Aliases: the outer statement may select from the same tables (no auto-correlation).
    person, given = aliased(User), aliased(NotificationAddress)
    platform = exists().where(person.id == user_col, person.email.is_not(None), person.email != "")
    own = exists().where(given.user_id == user_col, given.confirmed_at.is_not(None))
    return or_(platform, own)


def local_now(now: datetime) -> datetime:
    """`now` in the programme's time zone (digest hours are local)."""
    return now.astimezone(ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")))


def _insert(rows) -> int:
    """Insert the selected message rows; a concurrent worker's identical rows make this a no-op."""
    try:
        with db.session.begin_nested():
            result = db.session.execute(insert(M).from_select(COLUMNS, rows))
    except IntegrityError:
        return 0  # another worker made the same (person, audience, period) rows first
    return int(result.rowcount or 0)


def _from_events(now: datetime, mode: str, period) -> int:
    waiting = E.message_row_id.is_(None)
    other = aliased(M)
    busy = exists().where(
        other.user_id == E.recipient_id,
        other.audience == E.audience,
        other.state.in_((PENDING, IN_FLIGHT)),
    )
    named = literal(period) if isinstance(period, str) else period
    rows = (
        select(
            E.recipient_id,
            E.audience,
            named,
            func.min(E.platform_id),
            func.min(E.context_id),
            literal(PENDING),
            literal(0),
            literal(now),
            literal(0),
            literal(now),
            literal(now),
        )
        .where(waiting, E.created_at <= now, ~busy)
        .where(mode_expr(E.recipient_id, E.audience) == mode, reachable(E.recipient_id))
        .group_by(E.recipient_id, E.audience)
    )
    if not isinstance(period, str):
        return _insert(rows)
    taken = exists().where(
        other.user_id == E.recipient_id, other.audience == E.audience, other.period_key == period
    )
    return _insert(rows.where(~taken))


def _weekly(now: datetime, week: str) -> int:
    other = aliased(M)
    taken = exists().where(
        other.user_id == P.user_id, other.audience == COORDINATOR, other.period_key == week
    )
    rows = (
        select(
            P.user_id,
            literal(COORDINATOR),
            literal(week),
            User.platform_id,
            literal(None, Integer),
            literal(PENDING),
            literal(0),
            literal(now),
            literal(0),
            literal(now),
            literal(now),
        )
        .join(User, User.id == P.user_id)
        .where(P.audience == COORDINATOR, P.mode == WEEKLY, reachable(P.user_id), ~taken)
    )
    return _insert(rows)


def schedule(now: datetime) -> int:
    """Create the message rows due at `now`; how many (flush only: the caller commits)."""
    config = current_app.config
    made = _from_events(now, IMMEDIATE, literal("i:") + cast(func.min(E.id), String))
    local = local_now(now)
    hour = int(config.get("NOTIFY_DIGEST_HOUR") or 0)
    if local.hour >= hour:
        made += _from_events(now, DAILY, f"d:{local.date().isoformat()}")
    day = int(config.get("NOTIFY_WEEKLY_DAY") or 0)
    week_start = (local - timedelta(days=local.weekday())).date()
    if local.weekday() > day or (local.weekday() == day and local.hour >= hour):
        made += _weekly(now, f"w:{week_start.isoformat()}")
    return made
