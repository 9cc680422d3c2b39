"""One posted management action, from any page: its typed form, then the one service doing it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort
from flask_wtf import FlaskForm

from .. import management
from ..forms import (
    CohortEditForm,
    CohortForm,
    MentorForm,
    MoveForm,
    SettingsForm,
    TerritoryEditForm,
    TerritoryForm,
    first_error,
)
from ..territories import MentoringError
from .blueprint import message

Handler = Callable[[management.Actor, int, Any], object]


def _cohort_change(form: Any) -> management.CohortChange:
    slug = form.slug.data if "slug" in form else ""
    return management.CohortChange(
        form.name.data or "",
        form.territory.data,
        form.starts_on.data,
        form.ends_on.data,
        slug or "",
    )


def _territory(actor: management.Actor, form: Any) -> object:
    name, code, region = form.name.data or "", form.code.data or "", form.region.data
    if "territory" in form:
        return management.update_territory(actor, form.territory.data, name, code, region)
    return management.create_territory(actor, name, code, region)


@dataclass(frozen=True)
class Action:
    """A management action: the form that parses it, the service call, whether it needs a run."""

    form: type[FlaskForm]
    apply: Handler
    in_course_run: bool = True


ACTIONS: dict[str, Action] = {
    "territory-new": Action(TerritoryForm, lambda a, _c, f: _territory(a, f), False),
    "territory-edit": Action(TerritoryEditForm, lambda a, _c, f: _territory(a, f), False),
    "cohort-new": Action(
        CohortForm, lambda a, c, f: management.create_cohort(a, c, _cohort_change(f))
    ),
    "cohort-edit": Action(
        CohortEditForm,
        lambda a, c, f: management.update_cohort(a, c, f.cohort.data, _cohort_change(f)),
    ),
    "settings": Action(
        SettingsForm, lambda a, c, f: management.set_self_placement(a, c, bool(f.pick.data))
    ),
    "move": Action(
        MoveForm,
        lambda a, c, f: management.move_learner(a, c, f.user.data, f.cohort.data, f.reason.data),
    ),
    "mentor": Action(
        MentorForm, lambda a, c, f: management.make_mentor(a, c, f.user.data, f.cohort.data)
    ),
}


def apply_posted(action: str, actor: management.Actor, context_pk: int | None) -> str | None:
    """Validate the posted form of `action` and apply it (flush only): a refusal, or None."""
    found = ACTIONS.get(action)
    if found is None or (found.in_course_run and context_pk is None):
        abort(400)
    form = found.form()
    if not form.validate_on_submit():
        return first_error(form) or message("bad_form")
    try:
        found.apply(actor, context_pk or 0, form)
    except MentoringError as exc:
        return message(exc.code)
    return None
