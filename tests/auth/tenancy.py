"""Two platforms, two course runs on one of them, and one actor per relation to a learner's data."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import MetaData, select

from catalyst_training.auth import roles
from catalyst_training.auth.models import Context, Membership, ResourceLink, User
from catalyst_training.core.models import utcnow
from catalyst_training.credentials import badges
from catalyst_training.credentials.models import MODULE, Certificate
from catalyst_training.delivery.models import DEAD, GradeDelivery
from catalyst_training.delivery.xapi.models import LrsEndpoint, XapiStatement
from catalyst_training.extensions import db
from catalyst_training.learning import services
from catalyst_training.learning.assignments import upload_folder
from catalyst_training.learning.modules import current_module
from catalyst_training.lti.lti11.models import encrypt_secret
from tests.mentoring.helpers import (
    SLUG,
    add_platform_b,
    build_world,
    local_coordinator,
    submit_work,
    user,
)

# Each actor's relation to the learner whose data is asked for ("owner", in cohort A of run A1).
ACTORS = (
    "owner",
    "other_learner",
    "mentor_other_cohort",
    "mentor_of_cohort",
    "coordinator_other_run",
    "coordinator_other_platform",
    "coordinator_of_run",
    "local_coordinator",
)


@dataclass
class Tenancy:
    """The world and, per actor, (user, role, acting course run)."""

    ids: dict[str, int] = field(default_factory=dict)
    actors: dict[str, tuple[User, str, int | None]] = field(default_factory=dict)


def build_tenancy() -> Tenancy:
    """Platform A (runs A1 and A2) and platform B; a learner's submission, attempt and delivery."""
    world = build_world()
    other = add_platform_b(world)
    run_a2 = Context(platform_id=world.platform.id, context_id="course-2", title="Session 2")
    db.session.add(run_a2)
    db.session.flush()
    coordinator_a2 = user(world.platform, run_a2, "co-2", roles.COORDINATOR, "Coord A2")
    local = local_coordinator()
    submission = submit_work(world.learner_a.id)
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "owner-notes.pdf").write_bytes(b"%PDF-1.4 notes")
    submission.attachment_path, submission.attachment_name = "owner-notes.pdf", "notes.pdf"
    submission.attachment_type = "application/pdf"
    module, version_id = current_module(SLUG)
    attempt = services.start_attempt(world.learner_a.id, SLUG, version_id, module.quiz, utcnow())
    link = ResourceLink(
        platform_id=world.platform.id,
        context_id=world.context.id,
        resource_link_id="rl-1",
        module_slug=SLUG,
        lineitem_url="https://p.test/li/1",
    )
    db.session.add(link)
    db.session.flush()
    delivery = GradeDelivery(
        user_id=world.learner_a.id,
        platform_id=world.platform.id,
        resource_link_id=link.id,
        context_id=world.context.id,
        module_slug=SLUG,
        target_key="li:https://p.test/li/1",
        score_given=50.0,
        activity_progress="Completed",
        grading_progress="FullyGraded",
        state=DEAD,
        last_error="refused",
    )
    db.session.add(delivery)
    certificate = Certificate(
        code="matrix-certificate-code-0001",
        user_id=world.learner_a.id,
        context_id=world.context.id,
        learner_name="Learner A",
        facts={"programme": "Programme", "modules": [{"slug": SLUG, "title": "Module"}]},
        active_key=f"{world.learner_a.id}:programme:matrix",
    )
    db.session.add(certificate)
    lrs = LrsEndpoint(
        platform_id=world.platform.id,
        url="https://lrs.test/xAPI/",
        username="u",
        password_encrypted=encrypt_secret("p"),
        send_email=False,
        active=True,
    )
    db.session.add(lrs)
    db.session.flush()
    statement = XapiStatement(
        statement_id="00000000-0000-5000-8000-000000000001",
        lrs_id=lrs.id,
        user_id=world.learner_a.id,
        platform_id=world.platform.id,
        context_id=world.context.id,
        verb="launched",
        timestamp=utcnow(),
        state=DEAD,
        last_error="lrs refused (matrix)",
        body={
            "verb": {"display": {"fr-FR": "a lancé"}},
            "object": {"definition": {"name": {"fr-FR": "Module"}}},
        },
    )
    db.session.add(statement)
    db.session.flush()
    with current_app.test_request_context():  # a base URL for the badge's ids
        badge = badges.issue(
            world.learner_a, MODULE, {"programme": "Programme", "modules": [{"slug": SLUG}]},
            world.context.id, f"{world.learner_a.id}:module:matrix", utcnow(),
        )  # fmt: skip
    db.session.commit()
    run_a1 = world.context.id
    found = Tenancy()
    found.ids = {
        "learner": world.learner_a.id,
        "submission": submission.id,
        "attempt": attempt.id,
        "cohort": world.cohort_a.id,
        "other_cohort": world.cohort_b.id,
        "territory": world.cohort_a.territory_id,
        "delivery": delivery.id,
        "certificate": certificate.id,
        "statement": statement.id,
        "lrs": lrs.id,
        "badge": badge.id,
        "run": run_a1,
    }
    found.actors = {
        "owner": (world.learner_a, roles.LEARNER, run_a1),
        "other_learner": (world.learner_b, roles.LEARNER, run_a1),
        "mentor_other_cohort": (world.mentor_b, roles.MENTOR, run_a1),
        "mentor_of_cohort": (world.mentor_a, roles.MENTOR, run_a1),
        "coordinator_other_run": (coordinator_a2, roles.COORDINATOR, run_a2.id),
        "coordinator_other_platform": (other.coordinator, roles.COORDINATOR, other.context.id),
        "coordinator_of_run": (world.coordinator, roles.COORDINATOR, run_a1),
        "local_coordinator": (local, roles.COORDINATOR, None),
    }
    return found


def fingerprint(instance: Path) -> str:
    """A digest of every row of every table and every file of the instance's upload folder."""
    # Requests share the test's app context, hence its session: what a refused request flushed
    # but never committed is rolled back here, as it would be at the end of a real request.
    db.session.rollback()
    digest = hashlib.sha256()
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    for table in sorted(metadata.sorted_tables, key=lambda t: t.name):
        if table.name in {"used_nonces", "alembic_version"}:
            continue
        for row in db.session.execute(select(table).order_by(*table.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
    for path in sorted(instance.rglob("uploads/**/*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def memberships_of(user_id: int) -> list[int]:
    """Course runs a user belongs to."""
    return list(db.session.scalars(select(Membership.context_id).filter_by(user_id=user_id)))
