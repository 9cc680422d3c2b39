"""What credentials store about a person, and what erasing them does to their certificates.

A certificate is the person's proof of training: export lists every one with its code. Erasure
revokes and anonymises them (no name, no link to the person) but keeps the row and its code, so
a verifier holding the code is told the certificate was withdrawn rather than "unknown".
Their Open Badges (every module and programme badge, with or without a certificate) follow:
exported with their signed JWT; on erasure revoked (a linked badge through its certificate,
another by its own columns), their JWT (which holds a salted hash of the platform id) cleared and
their link to the person removed, the credential id kept for the revocation list.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, or_, select, update

from ..auth import personal_data
from ..auth.models import User
from ..auth.personal_data import Subjects, as_record
from ..core.clock import clock_of
from ..extensions import db
from .models import Badge, Certificate

ERASED_REASON = "withdrawn: the holder's personal data was erased"


def init_app(app: Flask) -> None:
    """Register the certificates' export and erasure with the personal-data registry."""
    personal_data.register(app, "credentials", export_person, erase_people, count_people)


def export_person(user: User) -> dict[str, Any]:
    """Every certificate issued to the person, with its facts, code and status."""
    rows = db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)
    )
    certificates = [{**as_record(row, skip=("active_key",)), "status": row.status} for row in rows]
    found = db.session.scalars(select(Badge).where(Badge.user_id == user.id).order_by(Badge.id))
    return {
        "certificates": certificates,
        "badges": [
            {
                **as_record(badge, skip=("active_key",)),
                "certificate": badge.certificate.code if badge.certificate else None,
                "status": badge.status,
            }
            for badge in found
        ],
    }


def erase_people(subjects: Subjects) -> None:
    """Revoke and anonymise the people's certificates (in bulk: rows stay immutable otherwise)."""
    ids = subjects.user_ids
    now = clock_of().now()
    where = Certificate.user_id.in_(ids)
    # First, while the certificates still name the people: the badges' JWTs go. A badge without
    # a certificate is revoked by its own columns; a linked one by its certificate, below.
    linked = Badge.certificate_id.in_(select(Certificate.id).where(where))
    held = or_(Badge.user_id.in_(ids), linked)
    db.session.execute(
        update(Badge)
        .where(held, Badge.certificate_id.is_(None), Badge.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=ERASED_REASON)
        .execution_options(synchronize_session=False)
    )
    cleared = db.session.execute(
        update(Badge)
        .where(held)
        .values(jwt=None, user_id=None, context_id=None, active_key=None)
        .execution_options(synchronize_session=False)
    )
    revoked = db.session.execute(
        update(Certificate)
        .where(where, Certificate.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=ERASED_REASON, revoked_by_id=None)
        .execution_options(synchronize_session=False)
    )
    anonymised = db.session.execute(
        update(Certificate)
        .where(where)
        .values(user_id=None, learner_name=None, active_key=None, facts={"erased": True})
        .execution_options(synchronize_session=False)
    )
    subjects.add("credentials.certificates_revoked", revoked.rowcount)
    subjects.add("credentials.certificates_anonymised", anonymised.rowcount)
    subjects.add("credentials.badges_revoked", cleared.rowcount)


def count_people(user_ids: list[int]) -> dict[str, int]:
    """Certificates and badges held about these people."""
    held = Certificate.user_id.in_(user_ids)
    return {
        "certificates": db.session.scalar(
            select(func.count()).select_from(Certificate).where(held)
        ),
        "badges": db.session.scalar(
            select(func.count()).select_from(Badge).where(Badge.user_id.in_(user_ids))
        ),
    }
