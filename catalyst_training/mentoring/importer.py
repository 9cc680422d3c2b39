"""CSV import of territories, cohorts, mentors and learner placements: validate, preview, apply.

A course run is looked up by its context_id among the importer's own course runs only (two
platforms may both have a course "2"); applying goes through the management services, so an
imported change is checked and audited exactly like the same change made on a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select

from ..auth import roles
from ..auth.models import Context, User
from ..core.models import parse_date
from ..extensions import db
from . import audit, csv_rows, management, territories
from .territories import MentoringError

TYPES = ("territory", "cohort", "mentor", "learner")
TOO_LARGE, INVALID = 413, 422
ALLOWED = {"learner": (roles.LEARNER,), "mentor": (roles.MENTOR, roles.COORDINATOR)}


@dataclass
class Action:
    """One validated line: what applying it does, with the course run and person it resolved."""

    line: int
    kind: str
    values: dict[str, str]
    summary: str
    context_pk: int | None = None
    user_id: int | None = None


@dataclass
class Plan:
    """The result of validation: actions to apply, or line-precise errors."""

    actions: list[Action] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    status: int = 200

    @property
    def ok(self) -> bool:
        """True when there is something to apply and no error."""
        return bool(self.actions) and not self.errors


def _date(values: dict[str, str], key: str) -> date | None:
    raw = values.get(key, "")
    found = parse_date(raw)
    if raw and found is None:
        raise ValueError(f"{key} is not a date (YYYY-MM-DD): {raw[:40]!r}")
    return found


class _Checker:
    def __init__(self, scope: tuple[int, ...] | None) -> None:
        self.scope = scope
        self.codes: set[str] = set()
        self.cohorts: set[tuple[int, str]] = set()

    def context(self, raw: str) -> Context:
        query = select(Context).where(Context.context_id == raw)
        if self.scope is not None:
            query = query.where(Context.id.in_(self.scope or (-1,)))
        found = list(db.session.scalars(query.limit(2)))
        if not found:
            raise ValueError(f"unknown course run (context) {raw!r}")
        if len(found) > 1:
            raise ValueError(f"course run {raw!r} exists on several platforms")
        return found[0]

    def territory(self, code: str) -> str:
        code = code.strip().upper()
        if code not in self.codes and territories.territory_by_code(code) is None:
            raise ValueError(f"unknown territory {code!r} (add a territory line before)")
        return code

    def cohort(self, ctx: Context, slug: str) -> None:
        if (ctx.id, slug) not in self.cohorts and territories.cohort_by_slug(ctx.id, slug) is None:
            raise ValueError(f"unknown cohort {slug!r} in {ctx.context_id!r}")

    def person(self, ctx: Context, sub: str, kind: str) -> int:
        user_id = db.session.scalar(select(User.id).filter_by(platform_id=ctx.platform_id, sub=sub))
        if user_id is None:
            raise ValueError(f"no user with sub {sub!r} on this course run's platform")
        try:
            management.require_member(ctx.id, user_id, ALLOWED[kind])
        except MentoringError:
            raise ValueError(f"user {sub!r} is not a {kind} of {ctx.context_id!r}") from None
        return user_id


def _check_territory(checker: _Checker, action: Action) -> None:
    v = action.values
    if checker.scope is not None:
        raise ValueError("territories are a shared list: only a local coordinator changes them")
    territories.code_kind(v.get("territory", ""))
    if not v.get("name"):
        raise ValueError("name is required")
    code = v["territory"].strip().upper()
    if code in checker.codes:
        raise ValueError(f"territory {code!r} appears twice")
    checker.codes.add(code)
    verb = "update" if territories.territory_by_code(code) else "create"
    action.summary = f"{verb} territory {code} {v['name']}"


def _check_cohort(checker: _Checker, action: Action, ctx: Context) -> None:
    v, slug = action.values, action.values.get("cohort", "")
    if not territories.SLUG.match(slug):
        raise ValueError(f"invalid cohort slug {slug[:40]!r} (lower case, digits, dashes)")
    code = checker.territory(v.get("territory", ""))
    start, end = _date(v, "starts_on"), _date(v, "ends_on")
    if start and end and end < start:
        raise ValueError("ends_on is before starts_on")
    if (ctx.id, slug) in checker.cohorts:
        raise ValueError(f"cohort {slug!r} appears twice")
    checker.cohorts.add((ctx.id, slug))
    verb = "update" if territories.cohort_by_slug(ctx.id, slug) else "create"
    action.summary = f"{verb} cohort {slug} ({code}) in {ctx.context_id}"


def _check_person(checker: _Checker, action: Action, ctx: Context) -> None:
    slug, sub = action.values.get("cohort", ""), action.values.get("sub", "")
    checker.cohort(ctx, slug)
    action.user_id = checker.person(ctx, sub, action.kind)
    what = "place learner" if action.kind == "learner" else "add mentor"
    action.summary = f"{what} {sub} in cohort {slug}"


def _check(checker: _Checker, action: Action) -> None:
    if action.kind == "territory":
        _check_territory(checker, action)
        return
    ctx = checker.context(action.values.get("context", ""))
    action.context_pk = ctx.id
    if action.kind == "cohort":
        _check_cohort(checker, action, ctx)
    else:
        _check_person(checker, action, ctx)


def validate(text: str, scope: tuple[int, ...] | None) -> Plan:
    """Check every line (no write); errors name their line. `scope` None: all course runs."""
    rows, errors = csv_rows.read_rows(text)
    plan = Plan(errors=errors)
    checker = _Checker(scope)
    for line, values in rows:
        kind = values.get("type", "").lower()
        try:
            if kind not in TYPES:
                raise ValueError(f"unknown type {kind[:40]!r} (one of {', '.join(TYPES)})")
            action = Action(line, kind, values, "")
            _check(checker, action)
            plan.actions.append(action)
        except ValueError as exc:  # MentoringError is a ValueError too
            plan.errors.append((line, str(getattr(exc, "code", None) or exc)))
    if not rows and not plan.errors:
        plan.errors.append((1, "no data line"))
    plan.status = INVALID if plan.errors else 200
    return plan


def validate_bytes(raw: bytes, scope: tuple[int, ...] | None) -> tuple[str, Plan]:
    """(text, plan) of an uploaded file: refused with 413 over the size limit."""
    text, errors = csv_rows.decode(raw)
    if errors:
        too_large = len(raw) > csv_rows.MAX_BYTES
        return "", Plan(errors=errors, status=TOO_LARGE if too_large else INVALID)
    return text, validate(text, scope)


def _cohort_id(action: Action) -> int:
    found = territories.cohort_by_slug(action.context_pk or 0, action.values["cohort"])
    if found is None:
        raise MentoringError("unknown_cohort")
    return found.id


def _apply_territory(actor: management.Actor, action: Action) -> None:
    v = action.values
    found = territories.territory_by_code(v["territory"])
    if found is None:
        management.create_territory(actor, v["name"], v["territory"], v.get("region"))
    else:
        region = v.get("region") or found.region
        management.update_territory(actor, found.id, v["name"], found.code, region)


def _apply_cohort(actor: management.Actor, action: Action) -> None:
    v, ctx = action.values, action.context_pk or 0
    territory = territories.territory_by_code(v["territory"])
    if territory is None:
        raise MentoringError("unknown_territory")
    change = management.CohortChange(
        v.get("name") or v["cohort"], territory.id, _date(v, "starts_on"), _date(v, "ends_on"),
        v["cohort"],
    )  # fmt: skip
    found = territories.cohort_by_slug(ctx, v["cohort"])
    if found is None:
        management.create_cohort(actor, ctx, change)
    else:
        change = replace(change, name=v.get("name") or found.name)
        management.update_cohort(actor, ctx, found.id, change)


def _apply_mentor(actor: management.Actor, action: Action) -> None:
    management.make_mentor(actor, action.context_pk or 0, action.user_id or 0, _cohort_id(action))


def _apply_learner(actor: management.Actor, action: Action) -> None:
    reason = f"CSV import line {action.line}"
    cohort_id = _cohort_id(action)
    management.move_learner(actor, action.context_pk or 0, action.user_id or 0, cohort_id, reason)


APPLY: dict[str, Callable[[management.Actor, Action], None]] = {
    "territory": _apply_territory,
    "cohort": _apply_cohort,
    "mentor": _apply_mentor,
    "learner": _apply_learner,
}


def apply(plan: Plan, actor: management.Actor) -> int:
    """Apply a validated plan (flush only; the caller commits all or rolls back).

    A refused line raises its MentoringError with `details["line"]` set.
    """
    actor = replace(actor, source=management.IMPORT)
    for action in plan.actions:
        try:
            APPLY[action.kind](actor, action)
        except MentoringError as exc:
            exc.details["line"] = action.line
            raise
    db.session.flush()
    audit.record(actor.user_id, "import.csv", "import", actor.now,
                 details={"lines": len(plan.actions)})  # fmt: skip
    return len(plan.actions)
