"""What mentoring stores about a person: placements, reviews, leases, snippets, peer exchanges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import delete, func, select, update

from ..auth import personal_data
from ..auth.models import User
from ..auth.personal_data import Subjects, as_record
from ..extensions import db
from ..learning.models import COMPLETED, ModuleProgress, Submission
from . import audit, audit_erasure
from .models import (
    Cohort,
    CohortMember,
    CommentSnippet,
    GradingLease,
    PeerSession,
    Review,
    Territory,
    cohort_mentors,
    peer_participants,
)


def init_app(app: Flask) -> None:
    """Register mentoring's export and erasure, and the audit log for lifecycle actions."""
    personal_data.register(app, "mentoring", export_person, erase_people, count_people)
    personal_data.set_audit(app, record_action)


def record_action(action: str, target: str, now: datetime, details: dict[str, Any]) -> None:
    """Audit a console lifecycle action (no actor account: `details` says who ran it)."""
    audit.record(None, action, target, now, details=details)


def _own_submissions(user_ids: list[int]):
    return select(Submission.id).where(Submission.user_id.in_(user_ids))


def export_person(user: User) -> dict[str, Any]:
    """The person's placements, cohorts followed, reviews of their work, peer exchanges, audit."""
    placements = db.session.execute(
        select(CohortMember, Cohort, Territory)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(Territory, Territory.id == Cohort.territory_id)
        .where(CohortMember.user_id == user.id)
        .order_by(CohortMember.id)
    )
    followed = db.session.execute(
        select(Cohort.id, Cohort.name)
        .join(cohort_mentors, cohort_mentors.c.cohort_id == Cohort.id)
        .where(cohort_mentors.c.user_id == user.id)
        .order_by(Cohort.id)
    )
    reviews = db.session.scalars(
        select(Review).where(Review.submission_id.in_(_own_submissions([user.id])))
    )
    written = db.session.execute(
        select(Review.id, Review.submission_id, Review.decision, Review.decided_at)
        .where(Review.mentor_id == user.id)
        .order_by(Review.id)
    )
    sessions = db.session.scalars(
        select(PeerSession)
        .join(peer_participants, peer_participants.c.session_id == PeerSession.id)
        .where(peer_participants.c.user_id == user.id)
        .order_by(PeerSession.id)
    )
    snippets = db.session.scalars(select(CommentSnippet).where(CommentSnippet.mentor_id == user.id))
    return {
        "placements": [
            {**as_record(m), "cohort": c.name, "territory": t.name, "territory_code": t.code}
            for m, c, t in placements
        ],
        "cohorts_followed": [{"id": cid, "name": name} for cid, name in followed],
        "reviews_of_their_work": [as_record(r) for r in reviews],
        # Reviews they wrote of others' work: what they decided, not the others' data.
        "reviews_written": [
            {
                "id": r.id,
                "submission_id": r.submission_id,
                "decision": r.decision,
                "decided_at": personal_data.plain(r.decided_at),
            }
            for r in written
        ],
        "comment_snippets": [s.text for s in snippets],
        "peer_exchanges": [
            {
                "id": s.id,
                "cohort_id": s.cohort_id,
                "kind": s.kind,
                "held_on": personal_data.plain(s.held_on),
                "host_territory_id": s.host_territory_id,
            }
            for s in sessions
        ],
        "audit_entries": audit_erasure.entries_about(user.id),
    }


def _completions(user_ids: list[int]) -> dict[str, dict[str, int]]:
    """Per cohort: how many erased learners, and how many modules they had completed."""
    completed = (
        select(ModuleProgress.user_id, func.count().label("n"))
        .where(ModuleProgress.user_id.in_(user_ids), ModuleProgress.status == COMPLETED)
        .group_by(ModuleProgress.user_id)
        .subquery()
    )
    rows = db.session.execute(
        select(CohortMember.cohort_id, func.count(), func.coalesce(func.sum(completed.c.n), 0))
        .outerjoin(completed, completed.c.user_id == CohortMember.user_id)
        .where(CohortMember.user_id.in_(user_ids))
        .group_by(CohortMember.cohort_id)
    )
    learners, modules = {}, {}
    for cohort_id, people, done in rows:
        learners[str(cohort_id)] = int(people)
        modules[str(cohort_id)] = int(done)
    return {"erased_learners_by_cohort": learners, "completed_modules_by_cohort": modules}


def erase_people(subjects: Subjects) -> None:
    """Anonymise the audit trail, keep per-cohort tallies, delete the people's mentoring rows."""
    ids = subjects.user_ids
    subjects.kept.update(_completions(ids))
    audit_erasure.anonymise(subjects)
    own = _own_submissions(ids)
    statements = {
        "mentoring.reviews_of_their_work": delete(Review).where(Review.submission_id.in_(own)),
        "mentoring.leases_of_their_work": delete(GradingLease).where(
            GradingLease.submission_id.in_(own)
        ),
        "mentoring.leases_held": update(GradingLease)
        .where(GradingLease.holder_id.in_(ids))
        .values(holder_id=None, expires_at=None),
        "mentoring.reviews_written_anonymised": update(Review)
        .where(Review.mentor_id.in_(ids))
        .values(mentor_id=None),
        "mentoring.comment_snippets": delete(CommentSnippet).where(
            CommentSnippet.mentor_id.in_(ids)
        ),
        "mentoring.peer_participations": delete(peer_participants).where(
            peer_participants.c.user_id.in_(ids)
        ),
        "mentoring.peer_sessions_recorded_anonymised": update(PeerSession)
        .where(PeerSession.recorded_by_id.in_(ids))
        .values(recorded_by_id=None),
        "mentoring.cohorts_followed": delete(cohort_mentors).where(
            cohort_mentors.c.user_id.in_(ids)
        ),
        "mentoring.placements": delete(CohortMember).where(CohortMember.user_id.in_(ids)),
    }
    for kind, statement in statements.items():
        result = db.session.execute(statement.execution_options(synchronize_session=False))
        subjects.add(kind, result.rowcount)


def count_people(user_ids: list[int]) -> dict[str, int]:
    """Placements held about these people."""
    return {
        "placements": db.session.scalar(
            select(func.count()).select_from(CohortMember).where(CohortMember.user_id.in_(user_ids))
        )
    }
