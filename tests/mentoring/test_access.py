"""Access matrix: role x own/other cohort x every mentor endpoint (enforced in services)."""

import pytest

from catalyst_training.auth.models import Context, Membership, User
from catalyst_training.extensions import db
from tests.mentoring.helpers import csrf_token, login, submit_work

ROLES = ("learner", "mentor", "coordinator", "outsider")
# endpoint -> (method, path template, roles allowed on "own", roles allowed on "other")
ENDPOINTS = {
    "learner": (
        "GET",
        "/mentor/learners/{learner}",
        {"learner", "mentor", "coordinator"},
        {"coordinator"},
    ),
    "review": ("GET", "/mentor/submissions/{sub}", {"mentor", "coordinator"}, {"coordinator"}),
    "save": ("POST", "/mentor/submissions/{sub}", {"mentor", "coordinator"}, {"coordinator"}),
    "heartbeat": (
        "POST",
        "/mentor/submissions/{sub}/lease",
        {"mentor", "coordinator"},
        {"coordinator"},
    ),
    "break": ("POST", "/mentor/submissions/{sub}/lease/break", {"coordinator"}, {"coordinator"}),
    "home": (
        "GET",
        "/mentor/",
        {"mentor", "coordinator", "outsider"},
        {"mentor", "coordinator", "outsider"},
    ),
    "queue": (
        "GET",
        "/mentor/queue",
        {"mentor", "coordinator", "outsider"},
        {"mentor", "coordinator", "outsider"},
    ),
    "cohorts": ("GET", "/mentor/cohorts", {"coordinator"}, {"coordinator"}),
    "attachment": (
        "GET",
        "/mentor/submissions/{sub}/attachment",
        {"mentor", "coordinator"},
        {"coordinator"},
    ),
    "peer": (
        "GET",
        "/mentor/peer",
        {"mentor", "coordinator", "outsider"},
        {"mentor", "coordinator", "outsider"},
    ),
}


def _actor(world, role):
    if role == "learner":
        return world.learner_a, "learner", world.context.id
    if role == "mentor":
        return world.mentor_a, "mentor", world.context.id
    if role == "coordinator":
        return world.coordinator, "coordinator", world.context.id
    other = Context(platform_id=world.platform.id, context_id="course-2", title="Autre")
    db.session.add(other)
    db.session.flush()
    outsider = User(platform_id=world.platform.id, sub="out", name="Outsider")
    db.session.add(outsider)
    db.session.flush()
    db.session.add(
        Membership(user_id=outsider.id, context_id=other.id, role="coordinator", lti_roles=[])
    )
    db.session.commit()
    return outsider, "coordinator", other.id


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, client, role, target, endpoint):
    learner = world.learner_a if target == "own" else world.learner_b
    sub = submit_work(learner.id)
    who, app_role, ctx = _actor(world, role)
    login(client, who, app_role, ctx)
    method, template, own_ok, other_ok = ENDPOINTS[endpoint]
    path = template.format(learner=learner.id, sub=sub.id)
    allowed = role in (own_ok if target == "own" else other_ok)
    if method == "GET":
        resp = client.get(path)
    else:
        resp = client.post(path, data={"csrf_token": csrf_token(client), "reason": "r"})
    assert resp.status_code < 500
    if endpoint == "cohorts" and role == "outsider":
        allowed = True  # the outsider coordinates their own course run
    assert (resp.status_code == 403) == (not allowed), (resp.status_code, path)
    text = resp.get_data(as_text=True)
    if endpoint in ("home", "queue") and allowed:
        shown_a = role in ("mentor", "coordinator") and (endpoint == "home" or target == "own")
        shown_b = role == "coordinator" and (endpoint == "home" or target == "other")
        assert ("Learner A" in text) == shown_a
        assert ("Learner B" in text) == shown_b


def test_without_session_is_401(world, client):
    assert client.get("/mentor/").status_code == 401
    assert client.get(f"/mentor/learners/{world.learner_a.id}").status_code == 401


def test_mentor_of_the_cohort_downloads_the_attachment(world, client, app):
    from pathlib import Path

    sub = submit_work(world.learner_a.id)
    folder = Path(app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "abc.pdf").write_bytes(b"%PDF-1.4 cohort")
    sub.attachment_path, sub.attachment_name = "abc.pdf", "carte.pdf"
    sub.attachment_type = "application/pdf"
    db.session.commit()
    login(client, world.mentor_a, "mentor", world.context.id)
    resp = client.get(f"/mentor/submissions/{sub.id}/attachment")
    assert resp.status_code == 200 and resp.data == b"%PDF-1.4 cohort"
    assert "carte.pdf" in resp.headers["Content-Disposition"]
    resp.close()
