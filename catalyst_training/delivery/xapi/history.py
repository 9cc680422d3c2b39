"""`xapi replay`: send the stored statements again and rebuild those the history lacks.

Two sources, both idempotent: the statements already recorded (sent again as recorded, so the
LRS recognises their ids), and the learners' history (lesson views, quiz attempts, submissions,
decisions, completions, peer exchanges), rebuilt through the same builders as live events for
whatever was done before an LRS was configured. Launches leave no history of their own: only
their recorded statements are replayed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, time

from sqlalchemy import select, update

from ...auth.models import User
from ...core import events
from ...core.clock import clock_of
from ...core.models import aware
from ...extensions import db
from ...learning.models import (
    APPROVED,
    RETURNED,
    LessonView,
    ModuleProgress,
    QuizAttempt,
    Submission,
)
from ...mentoring.models import PeerSession, Review, peer_participants
from ..models import PENDING
from . import capture
from .models import XapiStatement

S = XapiStatement


def _users(platform_id: int | None):
    where = User.platform_id.is_not(None)
    if platform_id is not None:
        where = User.platform_id == platform_id
    return select(User.id).where(where)


def history_events(since: datetime, platform_id: int | None = None) -> Iterator[events.Event]:
    """The domain events the history holds from `since` on, oldest kinds first."""
    users = _users(platform_id)
    for view in db.session.scalars(
        select(LessonView).where(LessonView.user_id.in_(users), LessonView.first_viewed_at >= since)
    ):
        yield events.Event(events.LESSON_VIEWED, view.user_id, aware(view.first_viewed_at), view)
    for attempt in db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id.in_(users), QuizAttempt.started_at >= since)
    ):
        yield events.Event(events.QUIZ_STARTED, attempt.user_id, aware(attempt.started_at), attempt)
        if attempt.submitted_at is not None:
            at = aware(attempt.submitted_at)
            yield events.Event(events.QUIZ_SUBMITTED, attempt.user_id, at, attempt)
    for sub, review in db.session.execute(
        select(Submission, Review)
        .join(Review, Review.submission_id == Submission.id, isouter=True)
        .where(
            Submission.user_id.in_(users),
            Submission.submitted_at.is_not(None),
            Submission.submitted_at >= since,
        )
    ).all():  # the review with its submission: no query per row
        yield events.Event(events.SUBMITTED, sub.user_id, aware(sub.submitted_at), sub)
        if sub.state in (APPROVED, RETURNED) and sub.decided_at is not None:
            decision = "approve" if sub.state == APPROVED else "return"
            yield events.Event(
                events.DECIDED,
                sub.user_id,
                aware(sub.decided_at),
                sub,
                sub.decided_by_id,
                {"decision": decision, "review": review},
            )
    for row in db.session.scalars(
        select(ModuleProgress).where(
            ModuleProgress.user_id.in_(users),
            ModuleProgress.completed_at.is_not(None),
            ModuleProgress.completed_at >= since,
        )
    ):
        data = {"slug": row.module_slug}
        yield events.Event(
            events.MODULE_COMPLETED, row.user_id, aware(row.completed_at), row, data=data
        )
    for peer, user_id in db.session.execute(
        select(PeerSession, peer_participants.c.user_id)
        .join(peer_participants, peer_participants.c.session_id == PeerSession.id)
        .where(peer_participants.c.user_id.in_(users), PeerSession.held_on >= since.date())
    ).all():
        at = datetime.combine(peer.held_on, time(), tzinfo=UTC)
        yield events.Event(events.PEER_ATTENDED, user_id, at, peer, peer.recorded_by_id)


def replay(since: datetime, platform_id: int | None = None) -> Counter:
    """Queue again the statements from `since` and add the missing ones (flush only)."""
    now = clock_of().now()
    counts: Counter = Counter()
    people: dict = {}  # each learner's LRS and identity, resolved once for the whole history
    for event in history_events(since, platform_id):
        lrs, statements, who = capture.statements_for(event, people=people)
        if lrs is None or who is None:
            continue
        counts["rebuilt"] += capture.record(lrs, who, statements)
    db.session.flush()
    # Statements recorded earlier (launches included) go again, to their platform's LRS now.
    stored = db.session.execute(
        select(S.id, S.platform_id).where(
            S.timestamp >= since,
            *([S.platform_id == platform_id] if platform_id is not None else []),
        )
    ).all()
    by_platform: dict[int | None, list[int]] = {}
    for row_id, platform in stored:
        by_platform.setdefault(platform, []).append(row_id)
    for platform, ids in by_platform.items():
        lrs = capture.lrs_for(platform)
        if lrs is None:
            continue
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            counts["queued"] += db.session.execute(
                update(S)
                .where(S.id.in_(chunk))
                .values(
                    state=PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    lrs_id=lrs.id,
                    last_error=None,
                    claimed_by=None,
                    claimed_until=None,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
    db.session.info["catalyst_outbox_new"] = True
    return counts
