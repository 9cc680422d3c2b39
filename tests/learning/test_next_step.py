"""The "Continuer" link: the next thing to do in a module and across the programme."""

from types import SimpleNamespace as NS

import pytest

from catalyst_training.learning import next_step as ns
from catalyst_training.learning.next_step import ModuleFacts, step_in_module, step_in_programme
from tests.learning.helpers import csrf, right_answers
from tests.learning.test_learner_flow import SLUG, get, module_obj, post, start_attempt


def module(slug="m1", lessons=("l1", "l2"), quiz="passed", work="approved", peer="none"):
    """A module-like object with the fields the next step reads."""
    return NS(
        slug=slug,
        lessons=tuple(NS(id=i, title=i) for i in lessons),
        quiz=object() if quiz != "none" else None,
        assignment=object() if work != "none" else None,
        completion={"lessons": "all", "quiz": quiz, "assignment": work, "peer_exchange": peer},
    )


ALL_READ = frozenset({"l1", "l2"})

CASES = [
    # (module kwargs, facts, expected kind, expected lesson)
    ({}, ModuleFacts(), ns.LESSON, "l1"),
    ({}, ModuleFacts(viewed=frozenset({"l1"})), ns.LESSON, "l2"),
    ({}, ModuleFacts(viewed=frozenset({"l2"})), ns.LESSON, "l1"),  # a skipped lesson comes first
    ({}, ModuleFacts(viewed=ALL_READ), ns.QUIZ, None),
    ({}, ModuleFacts(viewed=ALL_READ, quiz_current=True), ns.RESUME_QUIZ, None),
    ({}, ModuleFacts(viewed=ALL_READ, quiz_attempted=True), ns.QUIZ, None),  # failed: retry
    ({"quiz": "attempted"}, ModuleFacts(viewed=ALL_READ, quiz_attempted=True), ns.ASSIGNMENT, None),
    ({}, ModuleFacts(viewed=ALL_READ, quiz_attempted=True, quiz_can_start=False), ns.ASSIGNMENT,
     None),  # no attempts left: the work is still to do
    ({}, ModuleFacts(viewed=ALL_READ, quiz_passed=True), ns.ASSIGNMENT, None),
    ({}, ModuleFacts(viewed=ALL_READ, quiz_passed=True, assignment_state="draft"), ns.ASSIGNMENT,
     None),
    ({}, ModuleFacts(viewed=ALL_READ, quiz_passed=True, assignment_state="returned"), ns.REVISE,
     None),
    ({}, ModuleFacts(viewed=ALL_READ, quiz_passed=True, assignment_state="submitted"),
     ns.WAIT_MENTOR, None),
    ({"work": "submitted", "peer": "attended"},
     ModuleFacts(viewed=ALL_READ, quiz_passed=True, assignment_state="submitted"), ns.WAIT_PEER,
     None),
    ({"quiz": "none", "work": "none"}, ModuleFacts(viewed=ALL_READ), ns.WAIT_MENTOR, None),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "facts", "kind", "lesson"), CASES)
def test_step_in_module(kwargs, facts, kind, lesson):
    step = step_in_module(module(**kwargs), facts)
    assert step is not None and step.kind == kind
    assert (step.lesson.id if step.lesson else None) == lesson
    assert step.actionable == (kind in ns.ACTIONS)


def test_a_completed_module_has_no_step():
    assert step_in_module(module(), ModuleFacts(status="completed")) is None


def test_programme_takes_the_first_actionable_step_then_waits_then_done():
    m1, m2, m3 = module("m1"), module("m2"), module("m3")
    done = ModuleFacts(status="completed")
    waiting = ModuleFacts(viewed=ALL_READ, quiz_passed=True, assignment_state="submitted")
    step = step_in_programme([m1, m2, m3], {"m1": done, "m2": waiting})
    assert (step.kind, step.module.slug) == (ns.LESSON, "m3")  # m2 waits for the mentor
    step = step_in_programme([m1, m2], {"m1": done, "m2": waiting})
    assert (step.kind, step.module.slug) == (ns.WAIT_MENTOR, "m2")
    assert step_in_programme([m1, m2], {"m1": done, "m2": done}).kind == ns.DONE
    # From a module page: what comes after it, then earlier modules left unfinished.
    step = step_in_programme([m1, m2, m3], {"m2": done, "m3": done}, start_after="m2")
    assert step.module.slug == "m1"
    step = step_in_programme([m1, m2, m3], {}, start_after="m1")
    assert step.module.slug == "m2"


def test_continue_follows_the_learner_through_a_module(learner):
    module = module_obj()
    first = module.lessons[0]
    lesson_url = f"/learn/m/{SLUG}/lessons/{first.id}"
    assert lesson_url in get(learner, f"/learn/m/{SLUG}/").text
    for lesson in module.lessons:
        get(learner, f"/learn/m/{SLUG}/lessons/{lesson.id}")
    page = get(learner, "/learn/progress").text
    assert f'class="button continue" href="/learn/m/{SLUG}/quiz"' in page
    attempt_path = start_attempt(learner)
    data = {"csrf_token": csrf(get(learner, attempt_path).text), "action": "submit",
            **right_answers(module.quiz)}  # fmt: skip
    assert post(learner, attempt_path, data).status_code == 303
    page = get(learner, f"/learn/m/{SLUG}/").text
    assert f'class="button continue" href="/learn/m/{SLUG}/assignment"' in page
