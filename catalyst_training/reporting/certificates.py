"""Certificates for the console: the valid ones of a filtered set, as one streamed ZIP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import and_, select

from ..auth import roles
from ..auth.models import Membership
from ..credentials.bulk import printables, zip_stream
from ..credentials.models import Certificate
from ..extensions import db
from ..mentoring import audit
from .filters import Filters
from .records import apply_filters, join_cohorts


def certificate_ids(filters: Filters) -> list[int]:
    """Ids of the valid certificates the filters select (course run, place, issue dates)."""
    query = (
        select(Certificate.id)
        .select_from(Certificate)
        .join(
            Membership,
            and_(
                Membership.user_id == Certificate.user_id,
                Membership.context_id == Certificate.context_id,
                Membership.role == roles.LEARNER,
            ),
        )
        .where(Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None))
        .order_by(Certificate.id)
    )
    query = apply_filters(join_cohorts(query), filters, activity=Certificate.issued_at)
    return list(dict.fromkeys(db.session.scalars(query)))


def zip_of(
    actor_id: int | None, filters: Filters, base_url: str, now: datetime, via: str
) -> Iterator[bytes]:
    """The ZIP's bytes, streamed; the audit entry (who, filters, count) is committed at the end."""
    ids = certificate_ids(filters)
    written = [0]
    try:
        yield from zip_stream(printables(ids), base_url, now, written)
    finally:
        audit.record(
            actor_id,
            "export.certificates",
            "export:zip",
            now,
            details={
                "via": via,
                "filters": filters.as_dict(),
                "certificates": written[0],
                "complete": written[0] == len(ids),
            },
        )
        db.session.commit()
