"""CSV import of territories, cohorts, mentors and learner placements: validate, preview, apply."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from ..auth import roles
from ..auth.models import Context, Membership, User
from ..extensions import db
from ..mentoring import audit, placement, territories
from ..mentoring.models import Cohort

COLUMNS = ("type", "context", "territory", "name", "region", "cohort", "starts_on", "ends_on",
           "sub")  # fmt: skip
TYPES = ("territory", "cohort", "mentor", "learner")


@dataclass
class Action:
    """One validated line: what applying it does."""

    line: int
    kind: str
    values: dict[str, str]
    summary: str


@dataclass
class Plan:
    """The result of validation: actions to apply, or line-precise errors."""

    actions: list[Action] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there is something to apply and no error."""
        return bool(self.actions) and not self.errors


def _date(raw: str) -> date | None:
    return date.fromisoformat(raw) if raw else None


def read_rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    """(line number, values) per data line; `;` or `,` separated, UTF-8 (BOM allowed)."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [c for c in ("type",) if c not in (reader.fieldnames or [])]
    if missing:
        return [], [(1, f"missing column(s): {', '.join(missing)}; expected {';'.join(COLUMNS)}")]
    rows = []
    for values in reader:
        clean = {k: (v or "").strip() for k, v in values.items() if k}
        if any(clean.values()):
            rows.append((reader.line_num, clean))
    return rows, []


class _Checker:
    def __init__(self, scope: tuple[int, ...] | None) -> None:
        self.scope = scope
        self.codes: set[str] = set()
        self.cohorts: set[tuple[int, str]] = set()
        self.contexts: dict[str, Context | None] = {}

    def context(self, raw: str) -> Context:
        if raw not in self.contexts:
            self.contexts[raw] = db.session.scalar(select(Context).filter_by(context_id=raw))
        found = self.contexts[raw]
        if found is None or (self.scope is not None and found.id not in self.scope):
            raise ValueError(f"unknown course run (context) {raw!r}")
        return found

    def territory(self, code: str) -> str:
        code = code.strip().upper()
        if code not in self.codes and territories.territory_by_code(code) is None:
            raise ValueError(f"unknown territory {code!r} (add a territory line before)")
        return code

    def cohort(self, ctx: Context, slug: str) -> None:
        if (ctx.id, slug) not in self.cohorts and territories.cohort_by_slug(ctx.id, slug) is None:
            raise ValueError(f"unknown cohort {slug!r} in {ctx.context_id!r}")

    def person(self, ctx: Context, sub: str, role: str) -> User:
        user = db.session.scalar(select(User).filter_by(platform_id=ctx.platform_id, sub=sub))
        if user is None:
            raise ValueError(f"no user with sub {sub!r} on this course run's platform")
        held = db.session.scalar(
            select(Membership.role).filter_by(user_id=user.id, context_id=ctx.id)
        )
        if role == roles.LEARNER and held != roles.LEARNER:
            raise ValueError(f"user {sub!r} is not a learner of {ctx.context_id!r}")
        return user


def _check(checker: _Checker, kind: str, v: dict[str, str]) -> str:
    if kind == "territory":
        territories.code_kind(v.get("territory", ""))
        if not v.get("name"):
            raise ValueError("name is required")
        code = v["territory"].strip().upper()
        if code in checker.codes:
            raise ValueError(f"territory {code!r} appears twice")
        checker.codes.add(code)
        verb = "update" if territories.territory_by_code(code) else "create"
        return f"{verb} territory {code} {v['name']}"
    ctx = checker.context(v.get("context", ""))
    slug = v.get("cohort", "")
    if kind == "cohort":
        if not territories.SLUG.match(slug):
            raise ValueError(f"invalid cohort slug {slug!r} (lower case, digits, dashes)")
        code = checker.territory(v.get("territory", ""))
        start, end = _date(v.get("starts_on", "")), _date(v.get("ends_on", ""))
        if start and end and end < start:
            raise ValueError("ends_on is before starts_on")
        if (ctx.id, slug) in checker.cohorts:
            raise ValueError(f"cohort {slug!r} appears twice")
        checker.cohorts.add((ctx.id, slug))
        verb = "update" if territories.cohort_by_slug(ctx.id, slug) else "create"
        return f"{verb} cohort {slug} ({code}) in {ctx.context_id}"
    checker.cohort(ctx, slug)
    role = roles.LEARNER if kind == "learner" else roles.MENTOR
    checker.person(ctx, v.get("sub", ""), role)
    what = "place learner" if kind == "learner" else "add mentor"
    return f"{what} {v.get('sub')} in cohort {slug}"


def validate(text: str, scope: tuple[int, ...] | None) -> Plan:
    """Check every line (no write); errors name their line."""
    rows, errors = read_rows(text)
    plan = Plan(errors=errors)
    checker = _Checker(scope)
    for line, values in rows:
        kind = values.get("type", "").lower()
        try:
            if kind not in TYPES:
                raise ValueError(f"unknown type {kind!r} (one of {', '.join(TYPES)})")
            plan.actions.append(Action(line, kind, values, _check(checker, kind, values)))
        except ValueError as exc:  # MentoringError and bad dates are ValueErrors too
            message = getattr(exc, "code", None) or str(exc)
            plan.errors.append((line, str(message)))
    if not rows and not plan.errors:
        plan.errors.append((1, "no data line"))
    return plan


def apply(plan: Plan, actor_id: int, now: datetime) -> int:
    """Apply a validated plan (flush only; the caller commits all or rolls back)."""
    for action in plan.actions:
        v = action.values
        if action.kind == "territory":
            found = territories.territory_by_code(v["territory"])
            if found is None:
                territories.create_territory(v["name"], v["territory"], v.get("region"))
            else:
                found.name, found.region = v["name"], v.get("region") or found.region
            continue
        ctx = db.session.scalar(select(Context).filter_by(context_id=v["context"]))
        assert ctx is not None
        if action.kind == "cohort":
            territory = territories.territory_by_code(v["territory"])
            start, end = _date(v.get("starts_on", "")), _date(v.get("ends_on", ""))
            cohort = territories.cohort_by_slug(ctx.id, v["cohort"])
            if cohort is None:
                name = v.get("name") or v["cohort"]
                territories.create_cohort(name, v["cohort"], territory, ctx.id, start, end)
            else:
                cohort.name = v.get("name") or cohort.name
                cohort.territory, cohort.starts_on, cohort.ends_on = territory, start, end
            continue
        cohort: Cohort = territories.cohort_by_slug(ctx.id, v["cohort"])  # type: ignore[no-redef]
        user = db.session.scalar(select(User).filter_by(platform_id=ctx.platform_id, sub=v["sub"]))
        if action.kind == "mentor":
            territories.add_mentor(cohort, user)
            audit.record(actor_id, "cohort.mentor", f"cohort:{cohort.id}", now,
                         details={"mentor": user.id, "source": "import"})  # fmt: skip
        else:
            placement.move_learner(actor_id, user.id, cohort, f"CSV import line {action.line}", now)
    db.session.flush()
    audit.record(actor_id, "import.csv", "import", now, details={"lines": len(plan.actions)})
    return len(plan.actions)
