"""End to end with a real LRS: a learner's and a mentor's actions reach Ralph, once each."""

from __future__ import annotations

import uuid

from catalyst_training.extensions import db
from catalyst_training.lti.models import Platform
from tests.delivery.journey import hand_in, launch, mentor_decides, pass_quiz, read_lessons
from tests.delivery.xapi.helpers import delivered_ids, drain_xapi, of, states

ADL = "http://adlnet.gov/expapi/verbs/"


def _verbs(statements: list[dict]) -> list[str]:
    return [s["verb"]["display"]["en-US"] for s in statements]


def test_a_learner_journey_reaches_the_lrs_once_each_in_order(clock, lrs, ralph_server, platform):
    learner_sub, mentor_sub = f"learner-{uuid.uuid4().hex[:8]}", f"mentor-{uuid.uuid4().hex[:8]}"
    learner = launch(platform, "learner", learner_sub)
    read_lessons(learner)
    pass_quiz(learner)
    hand_in(learner)
    launch(platform, "mentor", mentor_sub)
    mentor_decides(mentor_sub, learner_sub, "return", "insuffisant")
    hand_in(learner, "Mon territoire, ses acteurs et nos partenaires")
    mentor_decides(mentor_sub, learner_sub, "approve", "excellent")
    counts = drain_xapi()
    assert counts["delivered"] > 0 and not counts["dead"]

    held = of(ralph_server.statements(), learner_sub)
    assert sorted(s["id"] for s in held) == sorted(delivered_ids() & {s["id"] for s in held})
    assert len({s["id"] for s in held}) == len(held)  # nothing twice
    verbs = _verbs(held)
    questions = verbs.count("answered")
    assert questions >= 1
    assert verbs == [
        "launched",
        *["experienced"] * verbs.count("experienced"),
        "attempted",
        *["answered"] * questions,
        "completed",  # the quiz
        "submitted",
        "completed",  # the module (its rule: the assignment handed in)
        "completed",  # the programme (the sample programme has one module)
        "scored",
        "was asked by a mentor to revise",
        "resubmitted",
        "scored",
        "had approved by a mentor",
    ], verbs
    assert verbs.count("experienced") >= 1
    issuer = db.session.scalars(db.select(Platform.issuer)).first()
    for statement in held:
        assert statement["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": issuer, "name": learner_sub},
        }  # never an email unless the coordinator enables it
        assert statement["context"]["registration"]
        assert statement["context"]["contextActivities"]["grouping"][0]["id"].endswith(
            "/xapi/programme"
        )
    quiz_done = next(s for s in held if s["verb"]["id"] == ADL + "completed")
    assert quiz_done["result"]["success"] is True
    assert quiz_done["result"]["score"]["scaled"] == 1
    assert quiz_done["result"]["duration"].startswith("PT")
    answered = [s for s in held if s["verb"]["id"] == ADL + "answered"]
    assert all(a["result"]["success"] and a["result"]["response"] for a in answered)
    returned = next(s for s in held if s["verb"]["display"]["en-US"].startswith("was asked"))
    assert returned["context"]["instructor"]["account"]["name"] == mentor_sub
    assert returned["result"]["response"] == "Citez vos partenaires."
    assert states() == {"delivered": len(held) + _others(ralph_server, learner_sub, mentor_sub)}


def _others(ralph_server, learner_sub: str, mentor_sub: str) -> int:
    """Statements of the mentor (their launch) delivered in the same run."""
    return len(of(ralph_server.statements(), mentor_sub))
