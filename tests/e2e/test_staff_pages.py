"""Every mentor and coordinator page, on the seeded demo course run, inside the sandbox course
page's cross-origin iframe: axe-core finds no serious or critical violation.

The pages are read from the URL map and the policy table, so a new staff page is checked as soon
as it exists (or the test says which id it needs, or why it is left out).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import select

from catalyst_training.auth import roles
from catalyst_training.auth.models import User
from catalyst_training.auth.policy import POLICY, STAFF
from catalyst_training.extensions import db
from catalyst_training.learning.models import Submission
from catalyst_training.mentoring.models import Cohort, CohortMember, cohort_mentors

from .conftest import DemoServer
from .test_accessibility import axe_violations

pytestmark = pytest.mark.browser

# Staff GET endpoints that are no page of their own, with the reason.
NOT_PAGES = {
    "mentoring.attachment": "a file download",
    "deliveries.status": "JSON for the page's script",
    "lti.deep_link": "reached by a deep-linking launch only (tests/e2e/test_sandbox_iframe.py)",
    "reporting.export": "a file download",
}
EXTRA = {"mentoring.learner"}  # open to every role, but the mentors' and coordinators' view


def staff_pages(app) -> list[tuple[str, list[str]]]:
    """(endpoint, its URL arguments) of every staff GET page."""
    pages = []
    for rule in app.url_map.iter_rules():
        policy = POLICY.get(rule.endpoint)
        if policy is None or policy.public or "GET" not in (rule.methods or ()):
            continue
        staff = policy.roles <= STAFF or rule.endpoint in EXTRA
        if staff and rule.endpoint not in NOT_PAGES:
            pages.append((rule.endpoint, sorted(rule.arguments)))
    return sorted(pages)


def demo_ids(app) -> dict[str, int]:
    """Ids from the seeded demo: the sandbox mentor's cohort, a learner, work waiting."""
    with app.app_context():
        mentor = db.session.scalar(select(User).filter_by(sub="sandbox-mentor"))
        cohort = db.session.scalar(
            select(Cohort)
            .join(cohort_mentors, cohort_mentors.c.cohort_id == Cohort.id)
            .where(cohort_mentors.c.user_id == mentor.id)
        )
        members = select(CohortMember.user_id).filter_by(cohort_id=cohort.id)
        waiting = db.session.scalar(
            select(Submission)
            .where(Submission.user_id.in_(members), Submission.state == "submitted")
            .order_by(Submission.id)
        )
        return {
            "cohort_id": cohort.id,
            "territory_id": cohort.territory_id,
            "user_id": waiting.user_id,
            "submission_id": waiting.id,
        }


def paths_for(app, role: str, ids: dict[str, int]) -> dict[str, str]:
    """endpoint -> path of each staff page this role may open."""
    out = {}
    with app.test_request_context():
        for endpoint, args in staff_pages(app):
            if role not in POLICY[endpoint].roles and endpoint not in EXTRA:
                continue
            missing = [a for a in args if a not in ids]
            assert not missing, f"{endpoint}: give the test an id for {missing} (or NOT_PAGES)"
            out[endpoint] = url_for(endpoint, **{a: ids[a] for a in args})
    return out


@pytest.fixture(scope="module")
def seeded(demo_server: DemoServer) -> DemoServer:
    """The demo course run seeded as `catalyst-training demo` does."""
    from catalyst_training.sandbox.seed import seed_and_commit

    with demo_server.app.app_context():
        seed_and_commit(demo_server.platform_origin)
    return demo_server


def _launch(page, server: DemoServer, button: str, landing: str):
    page.goto(f"{server.platform_origin}/sandbox/")
    frame = page.frame(name="tool-frame")
    frame.wait_for_url(f"{server.tool_origin}/learn/**")
    page.get_by_role("button", name=button).click()
    frame.wait_for_url(f"{server.tool_origin}{landing}**")
    return frame


@pytest.mark.parametrize(
    ("role", "button", "landing"),
    [
        (roles.MENTOR, "Lancer comme mentor", "/mentor/"),
        (roles.COORDINATOR, "Lancer comme coordinateur·rice", "/console/"),
    ],
)
def test_staff_pages_have_no_serious_violations(
    page, seeded: DemoServer, screenshot_dir: Path, role: str, button: str, landing: str
):
    ids = demo_ids(seeded.app)
    paths = paths_for(seeded.app, role, ids)
    assert len(paths) >= (5 if role == roles.MENTOR else 12), paths
    frame = _launch(page, seeded, button, landing)
    problems: dict[str, list[str]] = {}
    for endpoint, path in sorted(paths.items()):
        response = frame.goto(f"{seeded.tool_origin}{path}")
        assert response is not None and response.status == 200, (endpoint, path)
        assert "text/html" in (response.headers.get("content-type") or ""), endpoint
        found = axe_violations(frame)
        if found:
            problems[endpoint] = found
            page.screenshot(path=str(screenshot_dir / f"axe-{role}-{endpoint}.png"), full_page=True)
    assert not problems, problems
