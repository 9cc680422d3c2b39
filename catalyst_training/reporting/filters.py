"""What a coordinator asked to see: the console's and the exports' filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select

from ..auth import roles
from ..auth.models import Membership, User
from ..core.models import parse_date
from ..extensions import db


@dataclass(frozen=True)
class Filters:
    """Filters shared by the console and the exports; `scope` None means every context."""

    scope: tuple[int, ...] | None = None
    context_pk: int | None = None
    region: str | None = None
    territory_id: int | None = None
    cohort_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_dict(self) -> dict:
        """JSON-friendly description (for the audit log)."""
        found = {k: v for k, v in asdict(self).items() if v not in (None, "")}
        for key in ("date_from", "date_to"):
            if key in found:
                found[key] = found[key].isoformat()
        if "scope" in found:
            found["scope"] = list(found["scope"])
        return found


def coordinator_scope(user_id: int, acting_context_pk: int | None) -> tuple[int, ...] | None:
    """Contexts a coordinator may see: all for a local account, else those they coordinate."""
    user = db.session.get(User, user_id)
    if user is not None and user.is_coordinator_account:
        return None
    found = set(
        db.session.scalars(
            select(Membership.context_id).where(
                Membership.user_id == user_id, Membership.role == roles.COORDINATOR
            )
        )
    )
    if acting_context_pk is not None:
        found.add(acting_context_pk)
    return tuple(sorted(found))


def _int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


def parse_filters(args: Mapping[str, str], scope: tuple[int, ...] | None) -> Filters:
    """Filters from query arguments (unknown or malformed values are ignored)."""
    context_pk = _int(args.get("context"))
    if scope is not None and context_pk not in scope:
        context_pk = None
    return Filters(
        scope=scope,
        context_pk=context_pk,
        region=(args.get("region") or "").strip() or None,
        territory_id=_int(args.get("territory")),
        cohort_id=_int(args.get("cohort")),
        date_from=parse_date(args.get("from")),
        date_to=parse_date(args.get("to")),
    )


def query_args(filters: Filters) -> dict[str, str]:
    """The query arguments that give these filters back (for links and downloads)."""
    pairs = {
        "context": filters.context_pk,
        "region": filters.region,
        "territory": filters.territory_id,
        "cohort": filters.cohort_id,
        "from": filters.date_from.isoformat() if filters.date_from else None,
        "to": filters.date_to.isoformat() if filters.date_to else None,
    }
    return {k: str(v) for k, v in pairs.items() if v not in (None, "")}
