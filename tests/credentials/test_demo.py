"""The demo's learners who completed the programme hold their certificate (real services)."""

from __future__ import annotations

from sqlalchemy import func, select

from catalyst_training.credentials.models import Certificate
from catalyst_training.extensions import db
from catalyst_training.learning.models import ModuleProgress
from catalyst_training.sandbox.seed import seed_and_commit
from catalyst_training.sandbox.services import register_sandbox

BASE = "http://127.0.0.1:5000"


def test_the_demo_seeds_certificates_for_completed_learners_once(app, programme):
    register_sandbox(BASE)
    seed_and_commit(BASE)
    modules = 1  # the sample programme
    done = db.session.scalars(
        select(ModuleProgress.user_id)
        # Completed once (a work returned after a submission that counted reopens the module:
        # the certificate issued then stays, a coordinator revokes it if need be).
        .where(ModuleProgress.completed_at.is_not(None))
        .group_by(ModuleProgress.user_id)
        .having(func.count() == modules)
    ).all()
    assert done, "the demo has learners who completed the programme"
    holders = set(db.session.scalars(select(Certificate.user_id)))
    assert holders == set(done)
    before = db.session.scalar(select(func.count()).select_from(Certificate))
    seed_and_commit(BASE)
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == before
