"""`users erase` (right to erasure) and `users export` (right of access)."""

import json

import pytest
from sqlalchemy import select

from catalyst_training.auth.personal_data import Handler, subject_ref
from catalyst_training.extensions import db
from catalyst_training.mentoring.models import AuditEntry, Review
from tests.auth.lifecycle import Person, populated_worlds, snapshot_of, traces


@pytest.fixture
def people(app, programme):
    """Learners A and B of platform P, and platform B's learner who shares A's sub."""
    world, _other, a, b, c = populated_worlds()
    assert a.sub == c.sub  # same sub, another platform: another person
    return world, a, b, c


def _audit(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).filter_by(action=action)))


def test_erase_leaves_no_trace_and_touches_nobody_else(cli, people):
    world, a, b, c = people
    assert traces(a)  # the check finds what is there
    others = {p.user_id: snapshot_of(p) for p in (b, c)}
    result = cli("users", "erase", "--platform", "P", "--sub", a.sub,
                 "--by", "dpo@example.org", "--yes")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 file(s) deleted" in result.output
    assert traces(a) == []
    assert {p.user_id: snapshot_of(p) for p in (b, c)} == others
    assert all(f.exists() for p in (b, c) for f in p.files)
    # The audit says who did it, on which platform, and names the person by a keyed hash only.
    (entry,) = _audit("person.erase")
    assert entry.details["by"] == "dpo@example.org" and entry.details["os_user"]
    assert entry.details["platform"] == world.platform.id
    assert entry.details["subject"] == subject_ref(world.platform.id, a.sub)
    assert a.sub not in json.dumps(entry.details) and a.sub not in entry.target
    assert entry.details["removed"]["learning.submissions"] == 1
    # The aggregate that survives: per cohort, erased learners and their completed modules.
    assert entry.details["kept"]["erased_learners_by_cohort"] == {str(world.cohort_a.id): 1}
    # The mentor's decision stays in the trail; the learner's identity goes.
    (grade,) = [e for e in _audit("grade.approve") if e.actor_id == world.mentor_a.id]
    assert grade.target == "submission:erased" and grade.details["learner"] == "erased"
    (move,) = [e for e in _audit("cohort.move") if e.target == "user:erased"]
    assert move.actor_id == world.coordinator.id and "Learner A" not in move.reason


def test_erase_a_mentor_keeps_the_learners_work(cli, people):
    world, a, _b, _c = people
    mentor = Person(
        user_id=world.mentor_a.id, platform_id=world.platform.id, sub="m-a", strings=["Mentor A"]
    )
    learner_before = snapshot_of(a)
    result = cli("users", "erase", "--platform", str(world.platform.id), "--sub", "m-a", "--yes")
    assert result.exit_code == 0, result.output
    assert traces(mentor) == []
    assert snapshot_of(a) == learner_before
    review = db.session.scalar(select(Review).where(Review.submission_id == a.submission_ids[0]))
    assert review.mentor_id is None and review.decision == "approve"
    (grade,) = [
        e for e in _audit("grade.approve") if e.target == f"submission:{a.submission_ids[0]}"
    ]
    assert grade.actor_id is None and grade.details["actor"] == "erased"


def test_erase_is_all_or_nothing(app, cli, people):
    _world, a, _b, _c = people
    before = snapshot_of(a)

    def boom(_subjects):
        raise RuntimeError("disk full")

    # Asked last (lowest layer): everything else was already erased in the transaction.
    app.extensions["catalyst_personal_data"]["handlers"].insert(
        0, Handler("boom", lambda _user: {}, boom)
    )
    result = cli("users", "erase", "--platform", "P", "--sub", a.sub, "--yes")
    assert result.exit_code != 0
    db.session.rollback()
    assert snapshot_of(a) == before
    assert all(f.exists() for f in a.files)
    assert _audit("person.erase") == []


def test_unknown_person_or_platform_is_a_clear_error(cli, people):
    result = cli("users", "erase", "--platform", "P", "--sub", "nobody", "--yes")
    assert result.exit_code != 0 and "no person" in result.output
    result = cli("users", "export", "--platform", "Nowhere", "--sub", "l-a")
    assert result.exit_code != 0 and "unknown platform" in result.output


def test_export_holds_everything_about_the_person(cli, people, tmp_path):
    world, a, _b, _c = people
    result = cli("users", "export", "--platform", "https://p.test", "--sub", a.sub)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["person"]["sub"] == a.sub and data["person"]["email"] == "learner.a@example.org"
    assert "password_hash" not in data["person"]
    learning = data["learning"]
    assert [s["attachment_name"] for s in learning["submissions"]] == ["notes.pdf"]
    assert learning["submissions"][0]["state"] == "approved"
    assert len(learning["quiz_attempts"]) == 1 and learning["quiz_attempts"][0]["passed"]
    assert learning["lesson_views"] and learning["score_events"]
    assert [p["status"] for p in learning["progress"]] == ["completed"]
    mentoring = data["mentoring"]
    assert [p["cohort"] for p in mentoring["placements"]] == ["Cohorte Lyon"]
    assert mentoring["reviews_of_their_work"][0]["comment"] == "Bravo"
    assert len(mentoring["peer_exchanges"]) == 1
    assert {"cohort.move", "grade.approve"} <= {e["action"] for e in mentoring["audit_entries"]}
    assert len(data["lti"]["lti11_outcomes"]) == 1
    assert [a["external_id"] for a in data["lti"]["lti11_user_ids"]] == [f"lti11-{a.user_id}"]
    assert data["delivery"]["grade_deliveries"]
    assert [m["course_run"]["context_id"] for m in data["auth"]["memberships"]] == ["course-1"]
    assert "Learner B" not in result.stdout and "learner.of.b" not in result.stdout
    (entry,) = _audit("person.export")
    assert entry.details["subject"] == subject_ref(world.platform.id, a.sub)
    out = tmp_path / "a.json"
    result = cli("users", "export", "--platform", "P", "--sub", a.sub, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["person"]["id"] == a.user_id
