"""The demo seed: its shape, idempotence, `--fresh`, and what the sandbox mentor sees."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from catalyst_training.auth.models import Context, Membership, User
from catalyst_training.core.models import utcnow
from catalyst_training.delivery.models import DEAD, DELIVERED, PENDING, GradeDelivery
from catalyst_training.extensions import db
from catalyst_training.learning import services
from catalyst_training.learning.assignments import upload_folder
from catalyst_training.learning.models import (
    LessonView,
    ModuleProgress,
    QuizAttempt,
    ScoreEvent,
    Submission,
)
from catalyst_training.mentoring.models import (
    AuditEntry,
    Cohort,
    CohortMember,
    PeerSession,
    Review,
    Territory,
)
from catalyst_training.mentoring.territories import code_kind
from catalyst_training.sandbox import demo_data
from catalyst_training.sandbox.seed import course_run, sandbox_platform, seed, seed_and_commit
from catalyst_training.sandbox.services import register_sandbox
from tests.mentoring.helpers import build_world, login

BASE = "http://127.0.0.1:5000"
MODELS = (User, Membership, Cohort, CohortMember, ModuleProgress, QuizAttempt, Submission,
          Review, ScoreEvent, GradeDelivery, PeerSession, Territory)  # fmt: skip


def counts() -> dict[str, int]:
    """Rows per table the seed writes."""
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def sandbox_user(sub: str) -> User:
    """A user of the sandbox platform by sub."""
    platform = sandbox_platform()
    return db.session.scalar(select(User).filter_by(platform_id=platform.id, sub=sub))


@pytest.fixture
def seeded(app, programme):
    """The sandbox platform registered and its demo data seeded (timed)."""
    register_sandbox(BASE)
    started = time.perf_counter()
    message = seed_and_commit(BASE)
    took = time.perf_counter() - started
    assert "seeded" in message
    return took


def test_seed_creates_a_living_course_run(seeded):
    assert seeded < 5, f"seeding took {seeded:.1f} s"
    ctx = course_run(sandbox_platform())
    learners = db.session.scalars(
        select(Membership.user_id).filter_by(context_id=ctx.id, role="learner")
    ).all()
    assert len(learners) >= 25
    cohorts = db.session.scalars(select(Cohort).filter_by(context_id=ctx.id)).all()
    assert len(cohorts) >= 2
    assert {code_kind(c.territory.code) for c in cohorts} == {"commune", "epci"}
    mentor = sandbox_user("sandbox-mentor")
    followed = [c for c in cohorts if mentor in c.mentors]
    assert len(followed) == 1
    # The sandbox learner is placed in that cohort and has done nothing.
    learner = sandbox_user("sandbox-learner")
    member = db.session.scalar(select(CohortMember).filter_by(user_id=learner.id))
    assert member.cohort_id == followed[0].id
    assert not db.session.scalars(select(ModuleProgress).filter_by(user_id=learner.id)).all()
    assert not db.session.scalars(select(Submission).filter_by(user_id=learner.id)).all()
    # Varied progress: every status, attempts, decisions, work waiting (one with a file).
    statuses = Counter(db.session.scalars(select(ModuleProgress.status)))
    assert statuses["completed"] and statuses["in_progress"]
    states = Counter(db.session.scalars(select(Submission.state)))
    assert states["submitted"] >= 3 and states["returned"] and states["approved"]
    assert db.session.scalar(select(func.count(QuizAttempt.id))) >= 10
    files = db.session.scalars(select(Submission).where(Submission.attachment_path.is_not(None)))
    stored = [upload_folder() / s.attachment_path for s in files]
    assert stored and all(p.is_file() and p.stat().st_size > 0 for p in stored)
    assert db.session.scalar(select(func.count(PeerSession.id))) >= 1
    assert all(
        r.levels for r in db.session.scalars(select(Review).where(Review.decision.is_not(None)))
    )
    deliveries = Counter(db.session.scalars(select(GradeDelivery.state)))
    assert deliveries[DELIVERED] and deliveries[PENDING] and deliveries[DEAD]


def test_a_second_start_changes_nothing(seeded):
    before = counts()
    audit = db.session.scalar(select(func.count(AuditEntry.id)))
    assert "already seeded" in seed_and_commit(BASE)
    assert counts() == before
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audit


def _platform_counts(world) -> dict[str, int]:
    """Rows of another platform's course run that a demo reset must leave alone."""
    return {
        "users": db.session.scalar(
            select(func.count(User.id)).filter_by(platform_id=world.platform.id)
        ),
        "memberships": db.session.scalar(
            select(func.count(Membership.id)).filter_by(context_id=world.context.id)
        ),
        "cohorts": db.session.scalar(
            select(func.count(Cohort.id)).filter_by(context_id=world.context.id)
        ),
        "members": db.session.scalar(
            select(func.count(CohortMember.id)).filter_by(context_id=world.context.id)
        ),
    }


def test_fresh_seeds_again_without_touching_another_platform(app, programme):
    world = build_world()  # platform P: its own course run, cohorts, people
    other = _platform_counts(world)
    register_sandbox(BASE)
    seed_and_commit(BASE)
    before = counts()
    old_files = [upload_folder() / p for p in db.session.scalars(
        select(Submission.attachment_path).where(Submission.attachment_path.is_not(None))
    )]  # fmt: skip
    learner = sandbox_user("sandbox-learner")  # tried the learner journey: starts clean again
    services.record_lesson_view(learner.id, "module-exemple", "premiere-lecon", utcnow())
    db.session.commit()
    assert "seeded" in seed_and_commit(BASE, fresh=True)
    assert counts() == before
    again = sandbox_user("sandbox-learner")
    assert not db.session.scalars(select(LessonView).filter_by(user_id=again.id)).all()
    assert not any(p.exists() for p in old_files)
    assert db.session.get(Context, world.context.id) is not None
    assert other == _platform_counts(world)


def test_seed_reuses_territories_of_the_shared_list(app, programme):
    from catalyst_training.mentoring import territories

    territories.create_territory("Guéret (déjà là)", demo_data.COHORTS[0].code)
    db.session.commit()
    register_sandbox(BASE)
    seed(BASE)
    db.session.commit()
    found = db.session.scalars(select(Territory).filter_by(code=demo_data.COHORTS[0].code)).all()
    assert [t.name for t in found] == ["Guéret (déjà là)"]


def test_the_sandbox_mentor_sees_learners_and_a_queue(seeded, client):
    mentor = sandbox_user("sandbox-mentor")
    ctx = course_run(sandbox_platform())
    login(client, mentor, "mentor", ctx.id)
    page = client.get("/mentor/").get_data(as_text=True)
    assert "Léa Martin" in page and "Alice Lefebvre" in page  # a finisher, a stalled learner
    assert "Emma Bertrand" not in page  # the other cohort's
    queue = client.get("/mentor/queue")
    assert queue.status_code == 200
    text = queue.get_data(as_text=True)
    assert "Louis Thomas" in text and "Inès Petit" in text  # waiting, and resubmitted


def test_the_demo_command_seeds_once_then_fresh(app, programme, monkeypatch):
    import catalyst_training
    from catalyst_training import cli

    monkeypatch.setattr(catalyst_training, "create_app", lambda config=None: app)
    monkeypatch.setattr(cli, "_serve", lambda *args: None)
    runner = app.test_cli_runner()
    first = runner.invoke(cli.main, ["demo"])
    assert first.exit_code == 0, first.output
    assert "30 learners seeded" in first.output
    again = runner.invoke(cli.main, ["demo"])
    assert "already seeded" in again.output
    fresh = runner.invoke(cli.main, ["demo", "--fresh"])
    assert fresh.exit_code == 0, fresh.output
    assert "30 learners seeded" in fresh.output
