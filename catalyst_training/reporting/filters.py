"""What a coordinator asked to see: the console's and the exports' filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date

from ..core.models import parse_date
from ..mentoring.access import coordinator_scope
from ..mentoring.forms import parse_id

__all__ = ["Filters", "coordinator_scope", "parse_filters", "query_args"]


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


def parse_filters(args: Mapping[str, str], scope: tuple[int, ...] | None) -> Filters:
    """Filters from query arguments (unknown or malformed values are ignored)."""
    context_pk = parse_id(args.get("context"))
    if scope is not None and context_pk not in scope:
        context_pk = None
    return Filters(
        scope=scope,
        context_pk=context_pk,
        region=(args.get("region") or "").strip() or None,
        territory_id=parse_id(args.get("territory")),
        cohort_id=parse_id(args.get("cohort")),
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
