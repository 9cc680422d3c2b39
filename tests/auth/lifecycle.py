"""Give people every kind of stored data, and look for any trace of them afterwards."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import inspect, select
from werkzeug.datastructures import FileStorage, MultiDict

from catalyst_training.auth.models import Context, ResourceLink, User
from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.learning import assignments, progress, services
from catalyst_training.learning.assignments import upload_folder
from catalyst_training.learning.models import Submission
from catalyst_training.learning.modules import current_module
from catalyst_training.lti.lti11.models import Lti11Alias, Lti11Outcome
from catalyst_training.mentoring import leases, peer, placement, review
from catalyst_training.mentoring.models import AuditEntry
from tests.learning.helpers import right_answers
from tests.mentoring.helpers import SLUG


@dataclass
class Person:
    """What identifies someone, and where their data went."""

    user_id: int
    platform_id: int
    sub: str
    strings: list[str]
    files: list[Path] = field(default_factory=list)
    submission_ids: list[int] = field(default_factory=list)


def _link(context: Context) -> ResourceLink:
    found = db.session.scalar(
        select(ResourceLink).filter_by(context_id=context.id, module_slug=SLUG)
    )
    if found is None:
        found = ResourceLink(
            platform_id=context.platform_id,
            context_id=context.id,
            resource_link_id=f"rl-{context.id}",
            module_slug=SLUG,
            lineitem_url=f"https://lms.test/li/{context.id}",
        )
        db.session.add(found)
        db.session.flush()
    return found


def populate(
    context: Context, cohort, learner: User, mentor: User, coordinator: User, email: str
) -> Person:
    """Lessons, quiz, submission with a file, review, leases, placement, peer exchange, outcomes."""
    now = utcnow()
    learner.email = email
    link = _link(context)
    db.session.add(
        Lti11Outcome(user_id=learner.id, resource_link_id=link.id,
                     service_url="https://lms.test/outcomes", sourcedid=f"src-{learner.id}")
    )  # fmt: skip
    db.session.add(Lti11Alias(consumer_id=learner.platform_id, kind="user",
                              external_id=f"lti11-{learner.id}", target_id=learner.id))  # fmt: skip
    module, version_id = current_module(SLUG)
    for lesson in module.lessons:
        services.record_lesson_view(learner.id, SLUG, lesson.id, now)
    attempt = services.start_attempt(learner.id, SLUG, version_id, module.quiz, now)
    services.submit_attempt(attempt, module.quiz, MultiDict(right_answers(module.quiz)), now)
    draft = assignments.editable_draft(learner.id, SLUG, version_id)
    assignments.save_draft(draft, f"Le territoire de {learner.name}.", now)
    upload = FileStorage(io.BytesIO(b"%PDF-1.4 " + email.encode()), filename="notes.pdf")
    assignments.attach(draft, upload, module.assignment, upload_folder())
    assignments.submit(draft, now)
    progress.evaluate(learner.id, module, now)
    db.session.flush()
    assert leases.claim(draft.id, mentor.id, now)
    decision = review.Draft(levels={"clarte": "excellent"}, comment="Bravo",
                            private_note=f"{learner.name} a bien travaillé")  # fmt: skip
    review.decide(draft, module, mentor.id, "approve", decision, now)
    review.add_snippet(mentor.id, "Bien vu")
    placement.move_learner(coordinator.id, learner.id, cohort, f"à la demande de {learner.name}",
                           now)  # fmt: skip
    peer.record_session(cohort, "visit", now.date(), cohort.territory, [learner.id], mentor.id)
    db.session.commit()
    return Person(
        user_id=learner.id,
        platform_id=learner.platform_id,
        sub=learner.sub,
        strings=[learner.name, email],
        files=[upload_folder() / Path(draft.attachment_path).name],
        submission_ids=[draft.id],
    )


def _tables():
    existing = set(inspect(db.engine).get_table_names())
    return [t for t in db.metadata.sorted_tables if t.name in existing]


def traces(person: Person) -> list[str]:
    """Every row, audit reference or file that still names or points at the person."""
    db.session.expire_all()
    found = []
    same = db.session.scalar(
        select(User.id).where(User.platform_id == person.platform_id, User.sub == person.sub)
    )
    if same is not None:
        found.append(f"users: ({person.platform_id}, {person.sub}) still known")
    for table in _tables():
        person_columns = [
            c
            for c in table.columns
            if any(fk.column.table.name == "users" for fk in c.foreign_keys)
        ]
        for row in db.session.execute(select(table)):
            values = row._mapping
            for column in person_columns:
                if values[column.name] == person.user_id:
                    found.append(f"{table.name}.{column.name} = {person.user_id}")
            if table.name == "users" and values["id"] == person.user_id:
                found.append(f"users.id = {person.user_id}")
            blob = repr(tuple(values.values()))
            found.extend(f"{table.name}: {s!r}" for s in person.strings if s in blob)
    targets = {f"user:{person.user_id}"} | {f"submission:{s}" for s in person.submission_ids}
    for entry in db.session.scalars(select(AuditEntry)):
        if entry.target in targets:
            found.append(f"audit {entry.id} target {entry.target}")
        for key in ("learner", "holder", "mentor", "actor"):
            if entry.details.get(key) == person.user_id:
                found.append(f"audit {entry.id} details.{key}")
    aliases = select(Lti11Alias).filter_by(kind="user", target_id=person.user_id)
    found.extend(f"lti11_aliases {a.id}" for a in db.session.scalars(aliases))
    found.extend(f"file {f}" for f in person.files if f.exists())
    return found


def snapshot_of(person: Person) -> dict[str, int]:
    """How many rows each table holds for someone (to show they are untouched)."""
    counts = {}
    for table in _tables():
        for column in table.columns:
            if any(fk.column.table.name == "users" for fk in column.foreign_keys):
                rows = db.session.execute(select(table).where(column == person.user_id)).all()
                counts[f"{table.name}.{column.name}"] = len(rows)
    counts["lti11 user ids"] = db.session.scalar(
        select(db.func.count())
        .select_from(Lti11Alias)
        .filter_by(kind="user", target_id=person.user_id)
    )
    counts["submissions with file"] = db.session.scalar(
        select(db.func.count())
        .select_from(Submission)
        .where(Submission.user_id == person.user_id, Submission.attachment_path.is_not(None))
    )
    return counts


def populated_worlds():
    """Platform P with learners A and B populated, platform B with one learner (A's sub)."""
    from tests.mentoring.helpers import add_platform_b, build_world

    world = build_world()
    other = add_platform_b(world)
    a = populate(world.context, world.cohort_a, world.learner_a, world.mentor_a,
                 world.coordinator, "learner.a@example.org")  # fmt: skip
    b = populate(world.context, world.cohort_b, world.learner_b, world.mentor_b,
                 world.coordinator, "learner.b@example.org")  # fmt: skip
    c = populate(other.context, other.cohort, other.learner, other.mentor, other.coordinator,
                 "learner.of.b@example.org")  # fmt: skip
    return world, other, a, b, c
