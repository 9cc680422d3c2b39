"""Peer-exchange sessions: visits and meetings between territories, with their participants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from ..auth.models import User
from ..core import events
from ..extensions import db
from .models import Cohort, CohortMember, PeerSession, Territory
from .territories import MentoringError

KINDS = ("visit", "meeting")


def record_session(
    cohort: Cohort,
    kind: str,
    held_on: date,
    host: Territory,
    participant_ids: list[int],
    recorded_by: int,
    notes: str = "",
) -> PeerSession:
    """Record a peer exchange; participants must be learners of the cohort (flush only)."""
    if kind not in KINDS:
        raise MentoringError("bad_kind")
    members = set(
        db.session.scalars(
            select(CohortMember.user_id).where(
                CohortMember.cohort_id == cohort.id, CohortMember.user_id.in_(participant_ids)
            )
        )
    )
    if not participant_ids or members != set(participant_ids):
        raise MentoringError("bad_participants")
    users = list(db.session.scalars(select(User).where(User.id.in_(participant_ids))))
    found = PeerSession(
        cohort_id=cohort.id,
        kind=kind,
        held_on=held_on,
        host=host,
        recorded_by_id=recorded_by,
        notes=notes.strip(),
        participants=users,
    )
    db.session.add(found)
    db.session.flush()
    held_at = datetime.combine(held_on, time(), tzinfo=UTC)
    for user_id in sorted(participant_ids):
        events.emit(events.PEER_ATTENDED, user_id, held_at, found, actor_id=recorded_by)
    _reevaluate(participant_ids)
    return found


def _reevaluate(user_ids: list[int]) -> None:
    # Modules whose completion asks for a peer exchange may be complete now.
    from ..core.models import utcnow
    from ..learning.progress import evaluate
    from .dashboard import programme_modules

    modules = [m for m in programme_modules() if m.completion.get("peer_exchange") == "attended"]
    now = utcnow()
    for user_id in user_ids:
        for module in modules:
            evaluate(user_id, module, now)


def sessions_of(cohort_ids: list[int]) -> list[PeerSession]:
    """Peer exchanges of some cohorts, newest first."""
    return list(
        db.session.scalars(
            select(PeerSession)
            .where(PeerSession.cohort_id.in_(cohort_ids))
            .order_by(PeerSession.held_on.desc())
        )
    )


def attended(user_id: int) -> bool:
    """True when the learner took part in at least one peer exchange."""
    return bool(
        db.session.scalar(
            select(PeerSession.id).join(PeerSession.participants).where(User.id == user_id).limit(1)
        )
    )


def register_completion_rule() -> None:
    """Let module.yaml require a peer exchange: `completion: {peer_exchange: attended}`."""
    from ..learning.progress import EXTRA_RULES

    EXTRA_RULES["peer_exchange"] = attended
