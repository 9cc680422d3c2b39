"""End to end: a learner launched with AGS passes the quiz; the platform's gradebook gets it."""

from __future__ import annotations

from catalyst_training.core.models import utcnow
from catalyst_training.delivery.models import DEAD, DELIVERED, PENDING
from catalyst_training.delivery.transports import ags
from catalyst_training.extensions import db
from catalyst_training.learning import progress
from catalyst_training.learning.models import Submission
from catalyst_training.learning.modules import current_module
from tests.delivery.helpers import SLUG, deliveries, drain
from tests.delivery.journey import hand_in, pass_quiz, read_lessons
from tests.learning.helpers import csrf
from tests.platform import TestPlatform


def _learner(platform, user_id: str, ags_claim: dict) -> TestPlatform:
    session = TestPlatform.session()
    result = platform.launch(
        session, "learner", user_id=user_id, custom={"module": SLUG}, ags=ags_claim
    )
    assert result.response.status_code == 303, result.response.text
    session.base = platform.tool_base_url
    return session


def _study(session) -> None:
    read_lessons(session)
    pass_quiz(session)


def test_learner_passes_quiz_and_the_declarative_line_item_gets_the_grades(outbox, platform):
    store = platform.ags
    lineitem = store.add_lineitem("course", label="Module d'exemple")
    learner = _learner(
        platform, "learner-1", {"lineitems_url": store.lineitems_url(), "lineitem_url": lineitem}
    )
    _study(learner)
    assert drain() == {DELIVERED: 1}
    (quiz,) = store.received("learner-1")
    assert (quiz["scoreGiven"], quiz["activityProgress"], quiz["gradingProgress"]) == (
        50.0,
        "Started",
        "Pending",
    )
    assert store.scores[0]["lineitem"] == lineitem
    assert store.scores[0]["headers"]["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
    # Handed in, awaiting a mentor: Submitted + PendingManual.
    hand_in(learner)
    drain()
    last = store.received("learner-1")[-1]
    assert (last["activityProgress"], last["gradingProgress"]) == ("Submitted", "PendingManual")
    # A mentor approves (mentoring's job; done here directly): Completed + FullyGraded.
    db.session.expire_all()
    sub = db.session.scalars(db.select(Submission)).one()
    sub.state, sub.score_percent = "approved", 80.0
    sub.feedback = "Diagnostic solide ; précisez les partenaires."
    progress.evaluate(sub.user_id, current_module(SLUG)[0], utcnow())
    db.session.commit()
    drain()
    final = store.results[(lineitem, "learner-1")]
    assert (final["scoreGiven"], final["activityProgress"], final["gradingProgress"]) == (
        90.0,
        "Completed",
        "FullyGraded",
    )
    assert final["comment"] == "Diagnostic solide ; précisez les partenaires."  # the feedback
    assert len(platform.token_requests) == 1


def test_programmatic_line_item_when_the_launch_has_none(outbox, platform):
    store = platform.ags
    for user_id in ("learner-1", "learner-2"):
        _study(_learner(platform, user_id, {"lineitems_url": store.lineitems_url()}))
    assert drain() == {DELIVERED: 2}
    (item,) = [i for i in store.lineitems.values() if i.get("tag") == ags.LINEITEM_TAG]
    assert item["resourceId"] == SLUG and item["resourceLinkId"] == "rl1"
    assert {(s["lineitem"], s["score"]["userId"]) for s in store.scores} == {
        (item["id"], "learner-1"),
        (item["id"], "learner-2"),
    }


def test_coordinator_sees_dead_letters_and_requeues_them(outbox, platform):
    store = platform.ags
    learner = _learner(
        platform,
        "learner-1",
        {"lineitems_url": store.lineitems_url(), "scores_service_enabled": False},
    )
    _study(learner)
    assert drain() == {DEAD: 1}
    assert get_page(learner, "/console/deliveries/").status_code == 403
    coordinator = TestPlatform.session()
    platform.launch(coordinator, "coordinator", user_id="coord-1")
    coordinator.base = platform.tool_base_url
    page = get_page(coordinator, "/console/deliveries/")
    assert page.status_code == 200
    assert "score scope" in page.text and "Open edX ignore une note de 0" in page.text
    url = coordinator.base + "/console/deliveries/requeue"
    assert coordinator.post(url, data={}, timeout=10).status_code == 400  # no CSRF token
    (row,) = deliveries()
    resp = coordinator.post(
        url,
        data={"csrf_token": csrf(page.text), "delivery": str(row.id)},
        allow_redirects=False,
        timeout=10,
    )
    assert resp.status_code == 303
    assert [(r.state, r.attempts) for r in deliveries()] == [(PENDING, 0)]
    resp = coordinator.post(
        url, data={"csrf_token": csrf(page.text)}, allow_redirects=False, timeout=10
    )
    assert resp.status_code == 303  # "all dead letters": none left, nothing changes
    assert "remis en file" in get_page(coordinator, "/console/deliveries/").text
    status = get_page(coordinator, "/console/deliveries/status.json").json()
    assert status["counts"]["pending"] == 1 and status["oldest_pending_at"]


def get_page(session, path):
    """GET a tool page with a launched session."""
    return session.get(session.base + path, timeout=10)
