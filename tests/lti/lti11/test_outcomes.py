"""Basic Outcomes through the outbox: signed POX with body hash, dead letters, outages."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from catalyst_training.core.models import utcnow
from catalyst_training.delivery import worker
from catalyst_training.delivery.models import DEAD, DELIVERED, PENDING
from catalyst_training.delivery.transports import outcomes11 as pox
from catalyst_training.extensions import db
from catalyst_training.learning.models import ScoreEvent
from catalyst_training.lti.lti11.models import LTI11
from tests.delivery.helpers import advance_to_next_retry, deliveries, drain
from tests.lti.lti11.conftest import browser, consumer_row, user_of

SLUG = "module-exemple"


def learner(consumer, outcomes, user_id="student-1", **extra):
    """Launch a learner whose result goes to the outcomes service; the tool's user."""
    resp = consumer.launch(browser(), "Student", user_id=user_id, **{
        "lis_outcome_service_url": outcomes.url,
        "lis_result_sourcedid": f"{consumer.course}:m1:{user_id}", **extra})  # fmt: skip
    assert resp.status_code == 303, resp.text[:300]
    return user_of(consumer, user_id)


def change(user, score, activity="Completed", grading="FullyGraded"):
    """A score event as learning records it (the outbox row comes in the same commit)."""
    db.session.add(ScoreEvent(user_id=user.id, module_slug=SLUG, score_given=score,
                              score_maximum=100.0, activity_progress=activity,
                              grading_progress=grading, created_at=utcnow()))  # fmt: skip
    db.session.commit()


def test_request_xml_follows_the_outcomes_spec():
    one, two = pox.replace_result_xml("sid-1", 0.75), pox.replace_result_xml("sid-1", 0.75)
    root = ET.fromstring(one)  # noqa: S314
    q = f"{{{pox.NS}}}"
    assert root.tag == f"{q}imsx_POXEnvelopeRequest"
    assert (
        root.findtext(f"{q}imsx_POXHeader/{q}imsx_POXRequestHeaderInfo/{q}imsx_version") == "V1.0"
    )
    record = f"{q}imsx_POXBody/{q}replaceResultRequest/{q}resultRecord"
    assert root.findtext(f"{record}/{q}sourcedGUID/{q}sourcedId") == "sid-1"
    assert root.findtext(f"{record}/{q}result/{q}resultScore/{q}language") == "en"
    assert root.findtext(f"{record}/{q}result/{q}resultScore/{q}textString") == "0.75"
    ids = {ET.fromstring(x).findtext(f".//{q}imsx_messageIdentifier") for x in (one, two)}  # noqa: S314
    assert len(ids) == 2  # a unique imsx_messageIdentifier per request


@pytest.mark.parametrize(
    ("given", "maximum", "text"),
    [(50, 100, "0.5"), (100, 100, "1.0"), (0, 100, "0.0"), (7, 3, "1.0"), (1, 3, "0.3333"),
     (-5, 100, "0.0"), (4, None, "0.04")],
)  # fmt: skip
def test_scores_are_normalised_to_0_1(given, maximum, text):
    assert pox.score_text(pox.normalised(given, maximum)) == text


def test_unreadable_or_hostile_answers_are_not_parsed():
    assert pox.code_major("<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>")[0] is None
    assert pox.code_major("not xml")[0] is None
    assert pox.code_major("<r><imsx_codeMajor>Success</imsx_codeMajor></r>")[0] == "success"


def test_grade_arrives_signed_with_body_hash(consumer, outcomes):
    user = learner(consumer, outcomes)
    change(user, 42.0)
    (row,) = deliveries()
    assert (row.mode, row.state, row.target_key) == (
        LTI11,
        PENDING,
        f"{LTI11}:{row.resource_link_id}",
    )
    assert drain() == {DELIVERED: 1}
    assert outcomes.rejected == []
    (got,) = outcomes.received
    assert got["sourcedid"] == f"{consumer.course}:m1:student-1"
    assert (got["score"], got["language"]) == (0.42, "en")
    (row,) = deliveries()
    assert row.state == DELIVERED and row.lineitem_url == outcomes.url


def test_latest_score_wins_while_waiting(consumer, outcomes):
    user = learner(consumer, outcomes)
    for score in (10.0, 60.0, 85.0):
        change(user, score)
    assert drain() == {DELIVERED: 1}
    assert [r["score"] for r in outcomes.received] == [0.85]


def test_scores_without_a_value_are_not_sent(consumer, outcomes):
    user = learner(consumer, outcomes)
    change(user, None, "Submitted", "PendingManual")
    assert deliveries() == []


def test_launch_without_outcome_service_creates_no_delivery(consumer, outcomes):
    resp = consumer.launch(browser(), "Student", user_id="ungraded")
    assert resp.status_code == 303
    change(user_of(consumer, "ungraded"), 70.0)
    assert deliveries() == []


@pytest.mark.parametrize("major", ["failure", "unsupported"])
def test_refusal_is_a_dead_letter_with_the_answer_kept(consumer, outcomes, major):
    outcomes.code_major = major
    change(learner(consumer, outcomes), 55.0)
    assert drain() == {DEAD: 1}
    (row,) = deliveries()
    assert row.state == DEAD and major in (row.last_error or "")
    assert f"<imsx_codeMajor>{major}</imsx_codeMajor>" in (row.response_body or "")


def test_outage_then_back_the_grade_arrives(consumer, outcomes):
    user = learner(consumer, outcomes)
    outcomes.down = True
    change(user, 90.0)
    for _ in range(3):
        assert worker.run_batch("w1").get(DELIVERED, 0) == 0
        advance_to_next_retry()
    (row,) = deliveries()
    assert row.state == PENDING and row.attempts == 3 and "503" in (row.last_error or "")
    assert outcomes.refused_while_down == 3
    outcomes.down = False
    assert drain()[DELIVERED] == 1
    assert outcomes.results == {f"{consumer.course}:m1:student-1": 0.9}


def test_timeout_is_retried(consumer, outcomes, app):
    app.config["AGS_TIMEOUT"] = 0.05
    outcomes.hold()  # the service hangs until released: the tool's read timeout ends the call
    change(learner(consumer, outcomes), 30.0)
    assert worker.run_batch("w1").get(PENDING) == 1
    assert outcomes.held.acquire(timeout=5)  # the request did reach the hung service
    (row,) = deliveries()
    assert "unreachable" in (row.last_error or "")
    outcomes.release()
    assert drain()[DELIVERED] == 1
    assert outcomes.results[f"{consumer.course}:m1:student-1"] == 0.3


def test_wrong_secret_at_the_service_is_a_dead_letter(consumer, outcomes):
    outcomes.validator.secret = "rotated-on-the-platform"
    change(learner(consumer, outcomes), 20.0)
    assert drain() == {DEAD: 1}
    assert outcomes.rejected == ["bad OAuth signature"]
    assert deliveries()[0].response_status == 401


def test_the_mentors_comment_travels_as_result_data_text():
    body = pox.replace_result_xml("sid-1", 0.9, comment="Très bon diagnostic <b>!</b>")
    root = ET.fromstring(body)  # noqa: S314 - our own XML
    q = f"{{{pox.NS}}}"
    assert root.findtext(f".//{q}result/{q}resultData/{q}text") == "Très bon diagnostic <b>!</b>"
    assert "resultData" not in pox.replace_result_xml("sid-1", 0.9)


def _job(platform_id: int, grading: str):
    from datetime import UTC, datetime

    from catalyst_training.delivery.outbox import Job

    return Job(
        id=1, attempts=1, user_sub="u", module_slug="m", mode="lti11", lineitem_url=None,
        lineitems_url=None, resource_link_id="rl", scopes=(), platform_id=platform_id,
        issuer="lti11", client_id="k", token_url=None, audience=None,
        score={"score_given": 40.0, "score_maximum": 100.0, "activity_progress": "Started",
               "grading_progress": grading, "comment": None},
        timestamp=datetime.now(UTC),
    )  # fmt: skip


def test_a_consumer_set_to_final_scores_gets_no_provisional_one(
    consumer, outcomes, cli, monkeypatch
):
    row = consumer_row(consumer)
    target = (outcomes.url, "sid-final", consumer.key, consumer.secret)
    monkeypatch.setattr(pox, "_target", lambda job: target)
    assert pox.deliver(_job(row.id, "Pending"))[0] == 200  # default: provisional scores too
    assert len(outcomes.received) == 1
    result = cli("platform", "lti11-scores", consumer.key, "final")
    assert result.exit_code == 0, result.output
    assert pox.deliver(_job(row.id, "Pending")) == (204, outcomes.url)  # not sent
    assert len(outcomes.received) == 1
    assert pox.deliver(_job(row.id, "FullyGraded"))[0] == 200
    assert len(outcomes.received) == 2
