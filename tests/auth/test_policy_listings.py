"""The authorization matrix of listings: pages with no id that show a course run's records.

`/console/deliveries/` (grades), `/console/deliveries/lrs` (xAPI statements) and
`/console/notifications/` (messages) take no id: what they may leak is another tenant's rows
in the list itself. Each listing's policy line names who may open it; every actor of the world
(tests/auth/tenancy.py) opens it, and the world's record of learner A (course run A1 of platform
A) must appear exactly for the actors whose scope holds run A1, never for another course run or
platform; actors whose role the line does not name are refused.
"""

from __future__ import annotations

import pytest

from catalyst_training.auth import policy
from catalyst_training.delivery.models import DEAD
from catalyst_training.extensions import db
from catalyst_training.notifications.models import NotificationMessage
from tests.auth.tenancy import ACTORS, build_tenancy
from tests.mentoring.helpers import login

REFUSAL = "matrix-refusal-550"
# endpoint -> (path, what the world's record of learner A shows on the page)
LISTINGS = {
    "deliveries.index": ("/console/deliveries/", "refused"),
    "deliveries.lrs": ("/console/deliveries/lrs", "lrs refused (matrix)"),
    "notifications.sent": ("/console/notifications/", REFUSAL),
}
SEES_RUN_A1 = {"coordinator_of_run", "local_coordinator"}


def _world():
    world = build_tenancy()
    learner, run = world.actors["owner"][0], world.ids["run"]
    db.session.add(
        NotificationMessage(
            user_id=learner.id,
            platform_id=learner.platform_id,
            context_id=run,
            audience="learner",
            period_key="matrix",
            state=DEAD,
            last_error=REFUSAL,
        )
    )
    db.session.commit()
    return world


@pytest.mark.parametrize("endpoint", sorted(LISTINGS))
def test_listing_shows_run_a1_only_to_those_whose_scope_holds_it(app, programme, endpoint):
    rule = policy.POLICY[endpoint]
    assert rule.scope == policy.COURSE_RUN, endpoint
    world = _world()
    path, marker = LISTINGS[endpoint]
    wrong = []
    for actor in ACTORS:
        person, role, run = world.actors[actor]
        client = app.test_client()
        login(client, person, role, run)
        response = client.get(path)
        text = response.get_data(as_text=True)
        if role not in rule.roles:
            if response.status_code != 403:
                wrong.append(f"{actor}: {response.status_code} (403 expected)")
        elif response.status_code != 200:
            wrong.append(f"{actor}: {response.status_code} (200 expected)")
        elif (marker in text) != (actor in SEES_RUN_A1):
            wrong.append(f"{actor}: record of run A1 {'shown' if marker in text else 'hidden'}")
    assert not wrong, f"GET {path}:\n" + "\n".join(wrong)
