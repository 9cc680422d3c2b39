"""The heatmap as it was computed in Python before paging: the oracle of the SQL version.

Same reading of the rows (every membership of the viewer's cohorts, every progress row of the
programme's modules), same filters and sort keys; the one change is the stable tiebreak (user
id) added to every sort, which the SQL version promises.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from catalyst_training.auth.models import User
from catalyst_training.core.models import aware
from catalyst_training.extensions import db
from catalyst_training.learning.models import COMPLETED, NOT_STARTED, ModuleProgress
from catalyst_training.mentoring.access import visible_cohorts
from catalyst_training.mentoring.dashboard import programme_modules
from catalyst_training.mentoring.models import Cohort, CohortMember


def _status(status: str, assignment_state: str | None) -> str:
    if status != COMPLETED and assignment_state == "submitted":
        return "awaiting"
    if status != COMPLETED and assignment_state == "returned":
        return "returned"
    return status


def reference(viewer, filters, now: datetime, stalled_days: int) -> list[dict]:
    """Every row the heatmap should show, in order, as dicts (all pages together)."""
    modules = programme_modules()
    shown = [m.slug for m in modules if not filters.module or m.slug == filters.module]
    query = (
        select(User, Cohort.name)
        .join(CohortMember, CohortMember.user_id == User.id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.cohort_id.in_(visible_cohorts(viewer)))
    )
    if filters.cohort_id:
        query = query.where(CohortMember.cohort_id == filters.cohort_id)
    progress = {(p.user_id, p.module_slug): p for p in db.session.scalars(select(ModuleProgress))}
    limit = now - timedelta(days=stalled_days)
    rows = []
    for user, cohort in db.session.execute(query):
        cells, completed, last = {}, 0, None
        for m in modules:
            p = progress.get((user.id, m.slug))
            status = _status(p.status, p.assignment_state) if p else NOT_STARTED
            when = aware(p.last_activity_at) if p else None
            completed += status == COMPLETED
            if when and (last is None or when > last):
                last = when
            if m.slug in shown:
                cells[m.slug] = (status, p.score if p else None)
        rows.append(
            {
                "user_id": user.id,
                "name": user.display_name,
                "cohort": cohort,
                "cells": [cells[s] for s in shown],
                "completed": completed,
                "last": last,
                "stalled": completed < len(modules) and (last is None or last < limit),
            }
        )
    rows = [r for r in rows if not filters.stalled or r["stalled"]]
    if filters.status:
        rows = [r for r in rows if any(s == filters.status for s, _score in r["cells"])]
    epoch = datetime.min.replace(tzinfo=UTC)
    keys = {
        "name": lambda r: (r["name"].lower(), r["user_id"]),
        "cohort": lambda r: (r["cohort"].lower(), r["name"].lower(), r["user_id"]),
        "progress": lambda r: (-r["completed"], r["name"].lower(), r["user_id"]),
        "activity": lambda r: (r["last"] or epoch, r["name"].lower(), r["user_id"]),
    }
    return sorted(rows, key=keys[filters.sort])
