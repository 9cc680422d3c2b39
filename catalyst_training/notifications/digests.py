"""Digests built at send time: each claimed message gathers its events and the state it reports.

Everything is loaded for the whole batch at once (events, people, addresses, queues, leases,
certificates), so the number of queries per message does not grow with its events.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..core.models import aware
from ..credentials.models import Certificate
from ..extensions import db
from ..learning.models import SUBMITTED, Submission
from ..learning.modules import current_module
from ..mentoring.models import CohortMember, GradingLease, cohort_mentors
from .addresses import addresses_of, own_address
from .consent import modes_of
from .languages import chosen, language_of
from .models import (
    CONFIRM,
    COORDINATOR,
    LEARNER,
    MENTOR,
    MODULE_COMPLETED,
    OFF,
    PROGRAMME_COMPLETED,
    NotificationEvent,
    NotificationMessage,
)
from .summary import course_run_summaries

E = NotificationEvent
SHOWN = 50  # items listed per section; the rest is counted


@dataclass
class Item:
    """One line of a digest."""

    kind: str
    at: datetime | None
    module: str | None = None
    learner: str | None = None
    reason: str | None = None
    feedback: str | None = None
    due_at: datetime | None = None
    certificate_code: str | None = None


@dataclass
class Content:
    """What one message says, before it is put into words (templates)."""

    message_id: int
    header_id: str
    user_id: int
    audience: str
    to: str | None
    language: str
    name: str
    items: list[Item] = field(default_factory=list)
    waiting: int = 0
    leases: list[tuple[str, datetime]] = field(default_factory=list)
    runs: list[Any] = field(default_factory=list)
    confirm: tuple[int, str] | None = None
    skip_reason: str | None = None
    attempts: int = 1

    def of_kind(self, kind: str) -> list[Item]:
        """The items of one kind (the templates' sections)."""
        return [item for item in self.items if item.kind == kind]

    @property
    def empty(self) -> bool:
        """Nothing to tell (the message is skipped, not sent)."""
        return not (self.items or self.leases or self.runs or self.confirm or self.waiting)


def _title(slug: str | None, cache: dict[str, str]) -> str | None:
    if slug is None:
        return None
    if slug not in cache:
        module, _version = current_module(slug)
        cache[slug] = module.title if module is not None else slug
    return cache[slug]


def person_name(name, given, family, email, sub, user_id) -> str:
    """User.display_name from columns (the digest reads rows, not objects)."""
    full = " ".join(p for p in (given, family) if p)
    return name or full or email or _("Participant %(ref)s", ref=(sub or str(user_id))[:8])


def _events(where, key=None) -> dict[Any, list[Item]]:
    """Items of the events matching `where`, grouped by their message (or by `key`)."""
    learner = aliased(User)
    rows = db.session.execute(
        select(
            E.message_row_id, E.audience, E.kind, E.created_at, E.module_slug, E.learner_id,
            learner.name, learner.given_name, learner.family_name, learner.email, learner.sub,
            Submission.return_reason, Submission.feedback, Submission.due_at,
        )
        .outerjoin(learner, learner.id == E.learner_id)
        .outerjoin(Submission, Submission.id == E.submission_id)
        .where(where)
        .order_by(E.created_at, E.id)
    ).all()  # fmt: skip
    titles: dict[str, str] = {}
    found: dict[Any, list[Item]] = defaultdict(list)
    for row in rows:
        named = row.learner_id is not None
        found[row.audience if key == "audience" else row.message_row_id].append(
            Item(
                kind=row.kind,
                at=aware(row.created_at),
                module=_title(row.module_slug, titles),
                learner=person_name(*row[6:11], row.learner_id) if named else None,
                reason=row.return_reason,
                feedback=row.feedback,
                due_at=aware(row.due_at),
            )
        )
    return found


def _waiting(mentor_ids: list[int]) -> dict[int, int]:
    """Submitted work waiting in each mentor's cohorts (the queue's count)."""
    if not mentor_ids:
        return {}
    rows = db.session.execute(
        select(cohort_mentors.c.user_id, func.count(func.distinct(Submission.id)))
        .join(CohortMember, CohortMember.cohort_id == cohort_mentors.c.cohort_id)
        .join(Submission, Submission.user_id == CohortMember.user_id)
        .where(cohort_mentors.c.user_id.in_(mentor_ids), Submission.state == SUBMITTED)
        .group_by(cohort_mentors.c.user_id)
    ).all()
    return dict(rows)


def _leases(mentor_ids: list[int], now: datetime) -> dict[int, list[tuple[str, datetime]]]:
    """Reviews each mentor holds right now, with when the hold ends."""
    if not mentor_ids:
        return {}
    rows = db.session.execute(
        select(GradingLease.holder_id, Submission.module_slug, GradingLease.expires_at)
        .join(Submission, Submission.id == GradingLease.submission_id)
        .where(GradingLease.holder_id.in_(mentor_ids), GradingLease.expires_at >= now)
        .where(Submission.state == SUBMITTED)
        .order_by(GradingLease.expires_at)
    ).all()
    titles: dict[str, str] = {}
    found: dict[int, list] = defaultdict(list)
    for holder, slug, expires in rows:
        found[holder].append((_title(slug, titles) or slug, aware(expires)))
    return found


def _certificates(learner_ids: list[int]) -> dict[int, str]:
    """The newest valid certificate code of each learner."""
    if not learner_ids:
        return {}
    rows = db.session.execute(
        select(Certificate.user_id, Certificate.code)
        .where(Certificate.user_id.in_(learner_ids), Certificate.revoked_at.is_(None))
        .where(Certificate.active_key.is_not(None))
        .order_by(Certificate.issued_at)
    ).all()
    return {uid: code for uid, code in rows}


def waiting_items(user_id: int) -> dict[str, list[Item]]:
    """A person's events not told yet, by audience (for the preview page)."""
    return _events(
        (E.recipient_id == user_id) & E.message_row_id.is_(None),
        key="audience",
    )


def build(
    messages: list[NotificationMessage],
    now: datetime,
    events: dict[int, list[Item]] | None = None,
) -> list[Content]:
    """The content of each claimed message (skip_reason set when it must not be sent)."""
    if not messages:
        return []
    ids = [m.id for m in messages]
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(
        {m.user_id for m in messages})))}  # fmt: skip
    addresses = addresses_of(users)
    if events is None:
        events = _events(E.message_row_id.in_(ids))
    by_audience: dict[str, list[int]] = defaultdict(list)
    for m in messages:
        by_audience[m.audience].append(m.user_id)
    modes = {aud: modes_of(uids, aud) for aud, uids in by_audience.items() if aud != CONFIRM}
    waiting = _waiting(by_audience.get(MENTOR, []))
    leases = _leases(by_audience.get(MENTOR, []), now)
    certificates = _certificates(by_audience.get(LEARNER, []))
    # A message keeps the language fixed at its first attempt; the others (previews) take the
    # person's choice, else the platform's locale.
    languages = chosen(m.user_id for m in messages if not m.language)
    out = []
    for m in messages:
        user = users.get(m.user_id)
        content = Content(
            message_id=m.id,
            header_id=m.message_id or "",
            user_id=m.user_id,
            audience=m.audience,
            to=addresses.get(m.user_id),
            language=m.language
            or languages.get(m.user_id)
            or language_of(user.locale if user else None),
            name=user.display_name if user else "",
            items=events.get(m.id, []),
        )
        if m.audience == CONFIRM:
            row = own_address(m.user_id)
            content.to = row.email if row is not None and row.confirmed_at is None else None
            content.confirm = (row.id, row.email) if content.to and row else None
        elif modes.get(m.audience, {}).get(m.user_id, OFF) == OFF:
            content.skip_reason = "consent withdrawn"
        if m.audience == MENTOR:
            content.waiting = waiting.get(m.user_id, 0)
            content.leases = leases.get(m.user_id, [])
        elif m.audience == LEARNER:
            code = certificates.get(m.user_id)
            for item in content.items:
                if item.kind in (MODULE_COMPLETED, PROGRAMME_COMPLETED):
                    item.certificate_code = code
        elif m.audience == COORDINATOR and user is not None and not content.skip_reason:
            content.runs = course_run_summaries(user, now)
        if content.to is None and content.skip_reason is None:
            content.skip_reason = "no address"
        elif content.skip_reason is None and (
            not (content.items or content.leases or content.runs or content.confirm)
        ):
            content.skip_reason = "nothing to tell"
        out.append(content)
    return out
