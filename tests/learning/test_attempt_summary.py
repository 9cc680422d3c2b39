"""The summary step: nothing is handed in before the learner sees what is blank and confirms."""

from urllib.parse import urlsplit

from catalyst_training.extensions import db
from catalyst_training.learning.attempt_summary import (
    ANSWERED,
    PARTIAL,
    UNANSWERED,
    answer_state,
    summarise,
)
from catalyst_training.learning.models import QuizAttempt
from tests.learning.helpers import csrf, right_answers
from tests.learning.test_learner_flow import SLUG, get, module_obj, post, start_attempt

ORDERING = {"id": "o", "type": "ordering", "items": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}
MATCHING = {"id": "m", "type": "matching", "pairs": [{"id": "x"}, {"id": "y"}]}
SINGLE = {"id": "s", "type": "single"}


def test_answer_states_per_question_type():
    cases = [
        (SINGLE, None, UNANSWERED),
        (SINGLE, "a", ANSWERED),
        ({"id": "t", "type": "truefalse"}, False, ANSWERED),  # "false" is an answer
        ({"id": "st", "type": "short_text"}, "", UNANSWERED),
        ({"id": "mc", "type": "multiple"}, [], UNANSWERED),
        (ORDERING, {"positions": {"a": 1}}, PARTIAL),
        (ORDERING, {"positions": {"a": 1, "b": 2, "c": 3}}, ANSWERED),
        (MATCHING, {"matches": {"x": "y"}}, PARTIAL),
        (MATCHING, {"matches": {"x": "x", "y": "y"}}, ANSWERED),
    ]
    for question, answer, expected in cases:
        assert answer_state(question, answer) == expected, (question, answer)
    summary = summarise([SINGLE, ORDERING, MATCHING], {"o": {"positions": {"a": 1}}})
    assert [i.number for i in summary.items] == [1, 2, 3]
    assert (summary.unanswered, summary.partial, summary.needs_confirmation) == (2, 1, True)
    assert not summarise([SINGLE], {"s": "a"}).needs_confirmation


def _attempt_state() -> str:
    db.session.expire_all()
    return db.session.scalars(db.select(QuizAttempt)).one().state


def test_finish_shows_the_summary_and_a_blank_attempt_needs_confirmation(learner):
    attempt_path = start_attempt(learner)
    page = get(learner, attempt_path)
    assert 'value="finish"' in page.text
    resp = post(learner, attempt_path, {"csrf_token": csrf(page.text), "action": "finish"})
    assert resp.status_code == 303
    summary_path = urlsplit(resp.headers["Location"]).path
    assert summary_path == attempt_path + "/summary"
    summary = get(learner, summary_path)
    n = len(module_obj().quiz.questions)
    assert summary.text.count("Sans réponse") == n
    assert f"{attempt_path}#question-" in summary.text  # links back to each question
    assert 'name="confirm_unanswered"' in summary.text
    # Handing in without the confirmation keeps the attempt open and says why.
    refused = post(learner, summary_path, {"csrf_token": csrf(summary.text)})
    assert refused.status_code == 422 and "Cochez la case de confirmation" in refused.text
    assert _attempt_state() == "in_progress"
    # Without CSRF nothing happens either.
    assert post(learner, summary_path, {"confirm_unanswered": "1"}).status_code == 400
    assert _attempt_state() == "in_progress"
    confirmed = {"csrf_token": csrf(summary.text), "confirm_unanswered": "1"}
    done = post(learner, summary_path, confirmed)
    assert done.status_code == 303 and done.headers["Location"].endswith("/review")
    assert _attempt_state() == "submitted"
    # The summary of a closed attempt leads to its review.
    assert get(learner, summary_path, allow_redirects=False).status_code == 302


def test_saved_answers_are_listed_and_handed_in_from_the_summary(learner):
    module = module_obj()
    attempt_path = start_attempt(learner)
    page = get(learner, attempt_path)
    data = {"csrf_token": csrf(page.text), "action": "finish", **right_answers(module.quiz)}
    resp = post(learner, attempt_path, data)
    summary = get(learner, urlsplit(resp.headers["Location"]).path)
    assert "Sans réponse" not in summary.text and 'name="confirm_unanswered"' not in summary.text
    done = post(learner, attempt_path + "/summary", {"csrf_token": csrf(summary.text)})
    assert done.status_code == 303
    db.session.expire_all()
    attempt = db.session.scalars(db.select(QuizAttempt)).one()
    assert attempt.state == "submitted" and attempt.percent == 100.0


def test_a_direct_submit_with_blanks_goes_to_the_summary_and_keeps_the_attempt(learner):
    attempt_path = start_attempt(learner)
    page = get(learner, attempt_path)
    resp = post(learner, attempt_path, {"csrf_token": csrf(page.text), "action": "submit"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/summary")
    assert _attempt_state() == "in_progress"


def test_another_learner_cannot_see_or_hand_in_my_summary(learner, platform):
    from tests.platform import TestPlatform

    attempt_path = start_attempt(learner)
    other = TestPlatform.session()
    platform.launch(other, "learner", user_id="learner-2", custom={"module": SLUG})
    other.base = learner.base
    assert get(other, attempt_path + "/summary").status_code == 404
    page = get(other, f"/learn/m/{SLUG}/quiz")
    data = {"csrf_token": csrf(page.text), "confirm_unanswered": "1"}
    assert post(other, attempt_path + "/summary", data).status_code == 404
    assert _attempt_state() == "in_progress"
