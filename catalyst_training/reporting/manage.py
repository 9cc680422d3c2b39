"""Edits the mentoring services do not offer: rename a territory, change a cohort (flush only)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from ..extensions import db
from ..mentoring import audit, territories
from ..mentoring.models import Cohort, Territory
from ..mentoring.territories import MentoringError


def update_territory(
    actor_id: int, territory: Territory, name: str, code: str, region: str | None, now: datetime
) -> Territory:
    """Change a territory's name, code or region (audited)."""
    kind = territories.code_kind(code)
    code = code.strip().upper()
    if not (name or "").strip():
        raise MentoringError("name_required")
    other = db.session.scalar(select(Territory.id).where(Territory.code == code))
    if other is not None and other != territory.id:
        raise MentoringError("duplicate_code", value=code)
    before = {"name": territory.name, "code": territory.code, "region": territory.region}
    territory.name, territory.code, territory.kind = name.strip(), code, kind
    territory.region = (region or "").strip() or None
    db.session.flush()
    audit.record(actor_id, "territory.edit", f"territory:{territory.id}", now,
                 details={"before": before})  # fmt: skip
    return territory


def update_cohort(
    actor_id: int,
    cohort: Cohort,
    name: str,
    territory: Territory,
    starts_on: date | None,
    ends_on: date | None,
    now: datetime,
) -> Cohort:
    """Change a cohort's name, territory or dates (audited)."""
    if not (name or "").strip():
        raise MentoringError("name_required")
    if starts_on and ends_on and ends_on < starts_on:
        raise MentoringError("bad_dates")
    before = {"name": cohort.name, "territory": cohort.territory_id}
    cohort.name, cohort.territory = name.strip(), territory
    cohort.starts_on, cohort.ends_on = starts_on, ends_on
    db.session.flush()
    audit.record(actor_id, "cohort.edit", f"cohort:{cohort.id}", now, details={"before": before})
    return cohort
