"""Territories (INSEE commune, EPCI SIREN or department codes), cohorts and their settings."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from ..extensions import db
from .models import Cohort, MentoringSettings, Territory

COMMUNE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
EPCI = re.compile(r"^\d{9}$")
DEPARTMENT = re.compile(r"^(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-6])$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


class MentoringError(ValueError):
    """A refused mentoring action, with a code the views turn into a message."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


def code_kind(code: str) -> str:
    """'commune', 'epci' or 'department' for a valid code; MentoringError otherwise."""
    code = (code or "").strip().upper()
    if EPCI.match(code):
        return "epci"
    if COMMUNE.match(code):
        return "commune"
    if DEPARTMENT.match(code):
        return "department"
    raise MentoringError("bad_code", value=code)


def create_territory(name: str, code: str, region: str | None = None) -> Territory:
    """Add a territory after validating its code (flush only)."""
    kind = code_kind(code)
    code = code.strip().upper()
    if not (name or "").strip():
        raise MentoringError("name_required")
    if db.session.scalar(select(Territory).filter_by(code=code)) is not None:
        raise MentoringError("duplicate_code", value=code)
    territory = Territory(name=name.strip(), code=code, kind=kind, region=region or None)
    db.session.add(territory)
    db.session.flush()
    return territory


def territory_by_code(code: str) -> Territory | None:
    """The territory with this code, or None."""
    return db.session.scalar(select(Territory).filter_by(code=(code or "").strip().upper()))


def create_cohort(
    name: str,
    slug: str,
    territory: Territory,
    context_pk: int,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Cohort:
    """Add a cohort to a course run (flush only)."""
    if not SLUG.match(slug or ""):
        raise MentoringError("bad_slug", slug=slug)
    if starts_on and ends_on and ends_on < starts_on:
        raise MentoringError("bad_dates")
    if cohort_by_slug(context_pk, slug) is not None:
        raise MentoringError("duplicate_slug", slug=slug)
    cohort = Cohort(
        name=name.strip(),
        slug=slug,
        territory=territory,
        context_id=context_pk,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    db.session.add(cohort)
    db.session.flush()
    return cohort


def cohort_by_slug(context_pk: int, slug: str) -> Cohort | None:
    """The cohort of a course run with this slug, or None."""
    return db.session.scalar(select(Cohort).filter_by(context_id=context_pk, slug=slug))


def cohorts_of_context(context_pk: int) -> list[Cohort]:
    """Every cohort of a course run, by name."""
    return list(
        db.session.scalars(
            select(Cohort).where(Cohort.context_id == context_pk).order_by(Cohort.name)
        )
    )


def settings_for(context_pk: int) -> MentoringSettings:
    """The course run's settings (created with defaults on first use)."""
    found = db.session.get(MentoringSettings, context_pk)
    if found is None:
        found = MentoringSettings(context_id=context_pk, learners_pick_territory=False)
        db.session.add(found)
        db.session.flush()
    return found


def add_mentor(cohort: Cohort, user) -> None:
    """Make a user a mentor of a cohort (idempotent)."""
    if user not in cohort.mentors:
        cohort.mentors.append(user)
        db.session.flush()
