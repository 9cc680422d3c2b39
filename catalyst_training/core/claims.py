"""Claiming queued rows for one worker, so that no row is ever worked on twice at once.

The outbox (grade deliveries) and the roster-sync jobs are queues in the database, polled by any
number of workers on any node. PostgreSQL locks the chosen rows with FOR UPDATE SKIP LOCKED;
SQLite serialises writers, so one UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING id claims
the batch atomically (SQLite 3.35+; before that, each candidate gets one conditional UPDATE whose
rowcount says whether this worker won it).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import bindparam, select, update

from ..extensions import db

NO_SYNC = {"synchronize_session": False}
SQLITE_RETURNING = sqlite3.sqlite_version_info >= (3, 35)


def claim_rows(
    model: Any, ready: Any, order: tuple, values: dict[str, Any], limit: int
) -> list[int]:
    """Ids of up to `limit` rows matching `ready` (oldest first by `order`), now set to `values`."""
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(
            db.session.scalars(
                select(model.id)
                .where(ready)
                .order_by(*order)
                .limit(limit)
                .with_for_update(skip_locked=True, of=model)
            )
        )
        if ids:
            db.session.execute(
                update(model).where(model.id.in_(ids)).values(**values), execution_options=NO_SYNC
            )
        return ids
    if SQLITE_RETURNING:
        chosen = select(model.id).where(ready).order_by(*order).limit(limit).scalar_subquery()
        claimed = db.session.execute(
            update(model).where(model.id.in_(chosen)).values(**values).returning(model.id),
            execution_options=NO_SYNC,
        )
        return sorted(claimed.scalars())
    candidates = list(
        db.session.scalars(select(model.id).where(ready).order_by(*order).limit(max(5, limit * 2)))
    )
    one = update(model).where(model.id == bindparam("row_id"), ready).values(**values)
    ids: list[int] = []
    for row_id in candidates:  # one statement, compiled once
        if db.session.execute(one, {"row_id": row_id}, execution_options=NO_SYNC).rowcount == 1:
            ids.append(row_id)
            if len(ids) >= limit:
                break
    return ids
