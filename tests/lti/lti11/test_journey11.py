"""End to end: an LTI 1.1 learner passes the quiz; the grade reaches the consumer's gradebook
through Basic Outcomes, after an outage of the outcomes service."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from catalyst_training.delivery import worker
from catalyst_training.delivery.models import DELIVERED, PENDING
from catalyst_training.learning.modules import current_module
from tests.delivery.helpers import deliveries, drain
from tests.learning.helpers import csrf, right_answers
from tests.lti.lti11.conftest import browser

SLUG = "module-exemple"


def _pass_quiz(session, base: str) -> None:
    module, _version = current_module(SLUG)
    page = session.get(f"{base}/learn/m/{SLUG}/lessons/{module.lessons[0].id}", timeout=10)
    assert page.status_code == 200
    page = session.get(f"{base}/learn/m/{SLUG}/quiz", timeout=10)
    resp = session.post(f"{base}/learn/m/{SLUG}/quiz/start", data={"csrf_token": csrf(page.text)},
                        allow_redirects=False, timeout=10)  # fmt: skip
    assert resp.status_code == 302, resp.text[:300]
    attempt = base + urlsplit(resp.headers["Location"]).path
    page = session.get(attempt, timeout=10)
    data = {"csrf_token": csrf(page.text), "action": "submit", **right_answers(module.quiz)}
    assert session.post(attempt, data=data, allow_redirects=False, timeout=10).status_code == 303


def test_learner_passes_quiz_and_the_grade_arrives_after_an_outage(consumer, outcomes, live):
    session = browser()
    sourcedid = f"{consumer.course}:block-m1:anonymous-user-7"
    resp = consumer.launch(
        session,
        "Student",
        user_id="anonymous-user-7",
        lis_outcome_service_url=outcomes.url,
        lis_result_sourcedid=sourcedid,
    )
    assert resp.status_code == 303
    home = session.get(urljoin(live.base_url, resp.headers["Location"]), timeout=10)
    assert urlsplit(home.url).path == f"/learn/m/{SLUG}/"
    outcomes.down = True
    _pass_quiz(session, live.base_url)
    assert worker.run_batch("w1").get(DELIVERED, 0) == 0
    assert {r.state for r in deliveries()} == {PENDING}
    outcomes.down = False
    assert drain()[DELIVERED] >= 1
    assert outcomes.rejected == []
    score = outcomes.results[sourcedid]
    assert 0.0 <= score <= 1.0 and score > 0
    assert all(0.0 <= r["score"] <= 1.0 for r in outcomes.received)


def test_mentor_launch_opens_the_mentor_home(consumer, live):
    session = browser()
    resp = consumer.launch(session, "Instructor", user_id="mentor-7")
    assert resp.status_code == 303 and urlsplit(resp.headers["Location"]).path == "/mentor/"
    page = session.get(urljoin(live.base_url, resp.headers["Location"]), timeout=10)
    assert page.status_code == 200
