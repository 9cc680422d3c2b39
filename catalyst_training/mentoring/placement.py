"""How learners get into cohorts: launch parameter, course groups, own choice or coordinator."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ..auth import roles
from ..auth.models import User
from ..content.markdown import slugify
from ..extensions import db
from . import audit
from .models import Cohort, CohortMember, MentoringSettings
from .territories import (
    MentoringError,
    add_mentor,
    cohort_by_slug,
    cohorts_of_context,
    territory_by_code,
)

LAUNCH, SELF, COORDINATOR = "launch", "self", "coordinator"
COURSE_GROUP = "course_group"

log = logging.getLogger(__name__)


def membership_of(user_id: int, context_pk: int) -> CohortMember | None:
    """The learner's cohort membership in a course run, or None."""
    return db.session.scalar(select(CohortMember).filter_by(user_id=user_id, context_id=context_pk))


def cohort_for_territory(context_pk: int, code: str, today: date) -> Cohort | None:
    """The cohort of a course run for a territory (the one running today first)."""
    territory = territory_by_code(code)
    if territory is None:
        return None
    found = list(
        db.session.scalars(
            select(Cohort)
            .filter_by(context_id=context_pk, territory_id=territory.id)
            .order_by(Cohort.id)
        )
    )

    def running(c: Cohort) -> bool:
        return (c.starts_on or today) <= today <= (c.ends_on or today)

    return next((c for c in found if running(c)), found[0] if found else None)


def _cohort_from_custom(context_pk: int, custom: dict[str, Any], today: date) -> Cohort | None:
    if custom.get("cohort"):
        return cohort_by_slug(context_pk, str(custom["cohort"]))
    if custom.get("territory"):
        return cohort_for_territory(context_pk, str(custom["territory"]), today)
    return None


def _place(user_id: int, cohort: Cohort, source: str, now: datetime) -> CohortMember:
    member = membership_of(user_id, cohort.context_id)
    if member is None:
        member = CohortMember(
            user_id=user_id,
            context_id=cohort.context_id,
            cohort_id=cohort.id,
            source=source,
            placed_at=now,
        )
        db.session.add(member)
    else:
        member.cohort_id, member.source, member.placed_at = cohort.id, source, now
    db.session.flush()
    return member


def place_from_launch(
    user_id: int,
    context_pk: int,
    role: str,
    custom: dict[str, Any] | None,
    now: datetime,
    groups: Callable[[], list[dict[str, Any]]] | None = None,
) -> Cohort | None:
    """Apply `cohort=<slug>` / `territory=<code>`, else the learner's course groups (if offered)."""
    cohort = _cohort_from_custom(context_pk, custom or {}, now.date())
    if cohort is None:
        if role == roles.LEARNER and groups is not None:
            return _place_from_groups(user_id, context_pk, groups, now)
        return None
    if role == roles.MENTOR:
        add_mentor(cohort, db.session.get(User, user_id))
        return cohort
    if role != roles.LEARNER:
        return None
    member = membership_of(user_id, context_pk)
    if member is not None and (member.source == COORDINATOR or member.cohort_id == cohort.id):
        return member.cohort  # a coordinator's move wins over the link's parameter
    _place_audited(user_id, cohort, LAUNCH, member.cohort_id if member else None, now)
    return cohort


def _place_audited(
    user_id: int, cohort: Cohort, source: str, before: int | None, now: datetime, **details: Any
) -> None:
    _place(user_id, cohort, source, now)
    audit.record(
        None,
        "cohort.place",
        f"user:{user_id}",
        now,
        details={"from": before, "to": cohort.id, "source": source, **details},
    )


def cohorts_for_group(context_pk: int, group: dict[str, Any], today: date) -> list[Cohort]:
    """Cohorts a platform group names: slug = tag or slugified name, or territory code = either."""
    found = {c.slug: c for c in cohorts_of_context(context_pk)}
    texts = [str(group.get(k) or "").strip() for k in ("tag", "name")]
    matches: list[Cohort] = []
    for key in (texts[0].lower(), slugify(texts[1])):
        if key and key in found and found[key] not in matches:
            matches.append(found[key])
    for text in texts:
        by_code = cohort_for_territory(context_pk, text, today) if text else None
        if by_code is not None and by_code not in matches:
            matches.append(by_code)
    return matches


def _place_from_groups(
    user_id: int, context_pk: int, groups: Callable[[], list[dict[str, Any]]], now: datetime
) -> Cohort | None:
    member = membership_of(user_id, context_pk)
    if member is not None and member.source != COURSE_GROUP:
        return member.cohort  # a launch parameter, own choice or coordinator's move stays
    candidates: list[Cohort] = []
    group_of: dict[int, Any] = {}
    for group in groups():
        for cohort in cohorts_for_group(context_pk, group, now.date()):
            if cohort not in candidates:
                candidates.append(cohort)
                group_of[cohort.id] = group.get("id")
    if member is not None and member.cohort in candidates:
        return member.cohort
    if len(candidates) != 1:
        if len(candidates) > 1:
            log.warning(
                "user %s: course groups match %d cohorts of context %s; not placed",
                user_id, len(candidates), context_pk,
            )  # fmt: skip
        return member.cohort if member else None
    cohort = candidates[0]
    before = member.cohort_id if member else None
    _place_audited(user_id, cohort, COURSE_GROUP, before, now, group=group_of[cohort.id])
    return cohort


def needs_territory_choice(user_id: int, context_pk: int | None) -> bool:
    """True when a learner has no cohort and the course run lets learners pick their territory."""
    if context_pk is None or membership_of(user_id, context_pk) is not None:
        return False
    found = db.session.get(MentoringSettings, context_pk)
    return bool(found and found.learners_pick_territory)


def pick_territory(user_id: int, context_pk: int, cohort_id: int, now: datetime) -> CohortMember:
    """A learner chooses their territory's cohort at first launch (when allowed)."""
    if not needs_territory_choice(user_id, context_pk):
        raise MentoringError("choice_closed")
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or cohort.context_id != context_pk:
        raise MentoringError("unknown_cohort")
    member = _place(user_id, cohort, SELF, now)
    audit.record(
        user_id, "cohort.pick", f"user:{user_id}", now, details={"to": cohort.id, "source": SELF}
    )
    return member


def move_learner(
    actor_id: int, user_id: int, cohort: Cohort, reason: str, now: datetime, source: str = "web"
) -> CohortMember:
    """A coordinator moves a learner to another cohort of the same course run (audited)."""
    if not (reason or "").strip():
        raise MentoringError("reason_required")
    member = membership_of(user_id, cohort.context_id)
    before = member.cohort_id if member else None
    member = _place(user_id, cohort, COORDINATOR, now)
    audit.record(
        actor_id,
        "cohort.move",
        f"user:{user_id}",
        now,
        details={"from": before, "to": cohort.id, "source": source},
        reason=reason.strip(),
    )
    return member
