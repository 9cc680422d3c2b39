"""The authorization matrix, generated from the policy table and the app's URL map.

For every endpoint whose URL, form or query carries an id of learner data, every actor (see
tests/auth/tenancy.py: the learner themselves, another learner, mentors of another cohort and of
the cohort, coordinators of another course run, of another platform and of the course run, and a
local coordinator) calls it with the ids of one learner of platform A's course run A1. The
expected answer follows from the endpoint's policy line (roles and scope); a refused POST must
leave every row and every uploaded file as it was. A malformed-input sweep follows.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from catalyst_training import create_app
from catalyst_training.auth import policy
from tests.auth.tenancy import ACTORS, build_tenancy, fingerprint
from tests.conftest import base_config
from tests.mentoring.helpers import csrf_token, login

# URL arguments naming learner data, and which object of the world they point at.
ARG_TARGETS = {
    "submission_id": "submission",
    "attempt_id": "attempt",
    "user_id": "learner",
    "cohort_id": "cohort",
    "territory_id": "territory",
    "certificate_id": "certificate",
    "badge_id": "badge",
}
# Endpoints whose ids come in a form (POST) or a query (GET): what they send.
FORM_TARGETS = {
    ("deliveries.requeue", "POST"): lambda ids: {"delivery": ids["delivery"]},
    ("deliveries.lrs_requeue", "POST"): lambda ids: {"statement": ids["statement"]},
    ("deliveries.lrs_email", "POST"): lambda ids: {"endpoint": ids["lrs"], "send_email": "y"},
    ("credentials.revoke", "POST"): lambda ids: {"reason": "matrice"},
    ("credentials.revoke_badge", "POST"): lambda ids: {"reason": "matrice"},
    ("management.manage_home", "GET"): lambda ids: {"context": ids["run"]},
    ("management.manage_post", "POST"): lambda ids: {
        "action": "move",
        "context": ids["run"],
        "user": ids["learner"],
        "cohort": ids["other_cohort"],
        "reason": "matrice",
    },
    ("mentoring.cohorts", "POST"): lambda ids: {
        "action": "move",
        "user": ids["learner"],
        "cohort": ids["other_cohort"],
        "reason": "matrice",
    },
    ("mentoring.peer_sessions", "POST"): lambda ids: {
        "cohort": ids["cohort"],
        "kind": "visit",
        "held_on": "2026-03-02",
        "host": ids["territory"],
        "participants": ids["learner"],
    },
}
ALLOWED = {
    policy.OWN: {"owner"},
    policy.OWN_OR_RUN: {"owner", "coordinator_of_run", "local_coordinator"},
    policy.FOLLOWED: {"owner", "mentor_of_cohort", "coordinator_of_run", "local_coordinator"},
    policy.COURSE_RUN: {"mentor_of_cohort", "coordinator_of_run", "local_coordinator"},
    policy.ACTING_RUN: {"coordinator_of_run"},
    policy.REFERENCE: set(ACTORS),
    policy.PLATFORM_WIDE: {"local_coordinator"},
}
REFUSED_STATUSES = {400, 403, 404}


def _rules() -> dict[str, object]:
    instance = Path(tempfile.mkdtemp(prefix="matrix-"))
    # Only the URL map is read: an SQLite URL keeps this app from holding a server connection.
    app = create_app({**base_config(instance), "DATABASE_URL": f"sqlite:///{instance}/x.db"})
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()}


RULES = _rules()


def _cases() -> list[tuple[str, str]]:
    cases = set()
    for endpoint, rule in RULES.items():
        ints = [a for a, conv in rule._converters.items() if type(conv).__name__ == "IdConverter"]
        unknown = [a for a in ints if a not in ARG_TARGETS]
        if unknown:
            raise AssertionError(f"{endpoint}: classify URL arguments {unknown} in ARG_TARGETS")
        if ints:
            cases |= {(endpoint, m) for m in rule.methods & {"GET", "POST"}}
    return sorted(cases | set(FORM_TARGETS))


def expected_allowed(endpoint: str, actor: str, role: str) -> bool:
    """What the policy line says of this actor on the world's ids."""
    rule = policy.POLICY[endpoint]
    return role in rule.roles and actor in ALLOWED.get(rule.scope, set())


def _call(client, endpoint: str, method: str, ids: dict[str, int]) -> int:
    rule = RULES[endpoint]
    path = rule.rule
    for arg, target in ARG_TARGETS.items():
        path = path.replace(f"<int:{arg}>", str(ids[target]))
    data = FORM_TARGETS.get((endpoint, method), lambda _ids: {})(ids)
    if method == "GET":
        response = client.get(path, query_string=data)
    else:
        response = client.post(path, data={**data, "csrf_token": csrf_token(client)})
    response.close()  # file downloads hold their file open until closed
    return response.status_code


@pytest.mark.parametrize(("endpoint", "method"), _cases())
def test_authorization_matrix(app, programme, endpoint, method):
    world = build_tenancy()
    instance = Path(app.instance_path)
    roles_of = {name: world.actors[name][1] for name in ACTORS}
    # Refused actors first, so an allowed POST that changes the world cannot hide a refusal.
    order = sorted(ACTORS, key=lambda a: expected_allowed(endpoint, a, roles_of[a]))
    wrong = []
    for actor in order:
        person, role, run = world.actors[actor]
        allowed = expected_allowed(endpoint, actor, role)
        client = app.test_client()
        login(client, person, role, run)
        before = fingerprint(instance) if method == "POST" and not allowed else None
        status = _call(client, endpoint, method, world.ids)
        if status >= 500 or allowed == (status in REFUSED_STATUSES | {401}):
            wrong.append(f"{actor}: {status} ({'allowed' if allowed else 'refused'} expected)")
        elif before is not None and fingerprint(instance) != before:
            wrong.append(f"{actor}: refused with {status} but the database or files changed")
    assert not wrong, f"{method} {endpoint}:\n" + "\n".join(wrong)


MALFORMED = ["abc", "-1", "0", "99999999999999999999", "1e3", "١٢", "x" * 5000]


@pytest.mark.parametrize(("endpoint", "method"), _cases())
def test_malformed_ids_are_4xx_never_500(app, programme, endpoint, method, caplog):
    world = build_tenancy()
    scope = policy.POLICY[endpoint].scope
    caller = {policy.OWN: "owner", policy.ACTING_RUN: "coordinator_of_run"}
    person, role, run = world.actors[caller.get(scope, "local_coordinator")]
    client = app.test_client()
    login(client, person, role, run)
    seen = {}
    for bad in MALFORMED:
        ids = {key: bad for key in world.ids}
        seen[bad[:20]] = _call(client, endpoint, method, ids)
    assert all(400 <= s < 500 for s in seen.values()), f"{method} {endpoint}: {seen}"
    # Missing ids: the form's own answer (some fields are optional), never a server error.
    missing = _call(client, endpoint, method, dict.fromkeys(world.ids, ""))
    assert missing < 500, f"{method} {endpoint} without ids: {missing}"
    assert "Traceback" not in caplog.text
