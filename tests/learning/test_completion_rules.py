"""The pure progress rules, table by table: completion, score weighting, AGS progress, events.

No database: each row is a set of facts (what gather_facts would read) and the outcome expected.
"""

from dataclasses import replace

import pytest

from catalyst_training.learning import progress
from catalyst_training.learning.completion import (
    ProgressFacts,
    compute_progress,
    extra_rules_hold,
    required_extra_rules,
)

# A module of 3 lessons, a quiz (pass mark 60, best attempt counts) and an assignment, whose
# rule only asks for the lessons: each row below changes what it tests.
BASE = ProgressFacts(
    lessons_total=3,
    has_quiz=True,
    quiz_grading="highest",
    quiz_pass_mark=60.0,
    has_assignment=True,
    completion={"lessons": "all", "quiz": "none", "assignment": "none"},
    weighting={"quiz": 50, "assignment": 50},
)
ALL_READ = replace(BASE, lessons_viewed=3)


def rule(**parts: str) -> dict[str, str]:
    """The base completion rule with some parts changed."""
    return {**BASE.completion, **parts}


COMPLETION = [
    # lessons
    ("lessons all, none read", BASE, "not_started"),
    ("lessons all, 2 of 3 read", replace(BASE, lessons_viewed=2), "in_progress"),
    ("lessons all, all read", ALL_READ, "completed"),
    ("lessons none, nothing done", replace(BASE, completion=rule(lessons="none")), "not_started"),
    ("lessons none, an attempt open",
     replace(BASE, completion=rule(lessons="none"), quiz_attempts_started=1), "completed"),
    ("lessons none, a draft begun",
     replace(BASE, completion=rule(lessons="none"), assignment_state="draft"), "completed"),
    # quiz
    ("quiz none, no attempt", ALL_READ, "completed"),
    ("quiz attempted, attempt still open",
     replace(ALL_READ, completion=rule(quiz="attempted"), quiz_attempts_started=1), "in_progress"),
    ("quiz attempted, one finished (failed)",
     replace(ALL_READ, completion=rule(quiz="attempted"), quiz_attempts_started=1,
             quiz_percents=(10.0,)), "completed"),
    ("quiz passed, below the mark",
     replace(ALL_READ, completion=rule(quiz="passed"), quiz_percents=(40.0,)), "in_progress"),
    ("quiz passed, best attempt passes",
     replace(ALL_READ, completion=rule(quiz="passed"), quiz_percents=(40.0, 70.0)), "completed"),
    ("quiz passed, last attempt counts and fails",
     replace(ALL_READ, completion=rule(quiz="passed"), quiz_grading="last",
             quiz_percents=(70.0, 40.0)), "in_progress"),
    ("quiz passed, average exactly on the mark",
     replace(ALL_READ, completion=rule(quiz="passed"), quiz_grading="average",
             quiz_percents=(50.0, 70.0)), "completed"),
    ("quiz passed, no attempt",
     replace(ALL_READ, completion=rule(quiz="passed")), "in_progress"),
    ("quiz rule of a module without a quiz is ignored",
     replace(ALL_READ, completion=rule(quiz="passed"), has_quiz=False), "completed"),
    # assignment
    ("assignment none, nothing handed in", ALL_READ, "completed"),
    ("assignment submitted, nothing begun",
     replace(ALL_READ, completion=rule(assignment="submitted")), "in_progress"),
    ("assignment submitted, a draft",
     replace(ALL_READ, completion=rule(assignment="submitted"), assignment_state="draft"),
     "in_progress"),
    ("assignment submitted, handed in",
     replace(ALL_READ, completion=rule(assignment="submitted"), assignment_state="submitted"),
     "completed"),
    ("assignment submitted, returned",
     replace(ALL_READ, completion=rule(assignment="submitted"), assignment_state="returned"),
     "in_progress"),
    ("assignment submitted, approved",
     replace(ALL_READ, completion=rule(assignment="submitted"), assignment_state="approved"),
     "completed"),
    ("assignment approved, handed in",
     replace(ALL_READ, completion=rule(assignment="approved"), assignment_state="submitted"),
     "in_progress"),
    ("assignment approved, approved",
     replace(ALL_READ, completion=rule(assignment="approved"), assignment_state="approved"),
     "completed"),
    ("assignment rule of a module without an assignment is ignored",
     replace(ALL_READ, completion=rule(assignment="approved"), has_assignment=False),
     "completed"),
    # extra rules of other domains
    ("peer exchange required, not checked",
     replace(ALL_READ, completion=rule(peer_exchange="attended")), "in_progress"),
    ("peer exchange required, not attended",
     replace(ALL_READ, completion=rule(peer_exchange="attended"),
             extra_rules={"peer_exchange": False}), "in_progress"),
    ("peer exchange required, attended",
     replace(ALL_READ, completion=rule(peer_exchange="attended"),
             extra_rules={"peer_exchange": True}), "completed"),
    ("peer exchange not required",
     replace(ALL_READ, completion=rule(peer_exchange="none")), "completed"),
    ("peer exchange attended but lessons unread",
     replace(BASE, lessons_viewed=1, completion=rule(peer_exchange="attended"),
             extra_rules={"peer_exchange": True}), "in_progress"),
    ("unknown extra rule never holds",
     replace(ALL_READ, completion=rule(visit_moon="required"),
             extra_rules={"peer_exchange": True}), "in_progress"),
]  # fmt: skip


@pytest.mark.parametrize(("facts", "status"), [c[1:] for c in COMPLETION],
                         ids=[c[0] for c in COMPLETION])  # fmt: skip
def test_completion_rule(facts, status):
    out = compute_progress(facts)
    assert out.status == status
    assert out.completed is (status == "completed")
    assert out.started is (status != "not_started")


SCORES = [
    ("nothing finished: no score", replace(ALL_READ, quiz_attempts_started=1), None),
    ("quiz only, half of 80", replace(ALL_READ, quiz_percents=(80.0,)), 40.0),
    ("quiz and approved work",
     replace(ALL_READ, quiz_percents=(80.0,), assignment_state="approved",
             assignment_percent=90.0), 85.0),
    ("work handed in but not approved weighs nothing",
     replace(ALL_READ, quiz_percents=(80.0,), assignment_state="submitted",
             assignment_percent=90.0), 40.0),
    ("approved work without an attempt",
     replace(ALL_READ, assignment_state="approved", assignment_percent=90.0), 45.0),
    ("approved work without a mark counts as 100",
     replace(ALL_READ, weighting={"quiz": 0, "assignment": 100}, assignment_state="approved"),
     100.0),
    ("grading method picks the quiz grade",
     replace(ALL_READ, quiz_grading="first", quiz_percents=(20.0, 100.0)), 10.0),
    ("rounded to two decimals",
     replace(ALL_READ, weighting={"quiz": 30, "assignment": 70}, quiz_percents=(33.33,),
             assignment_state="approved", assignment_percent=66.67), 56.67),
    ("missing weights count as 0", replace(ALL_READ, weighting={}, quiz_percents=(80.0,)), 0.0),
    ("attempts of a module without a quiz weigh nothing",
     replace(ALL_READ, has_quiz=False, quiz_percents=(80.0,)), 0.0),
]  # fmt: skip


@pytest.mark.parametrize(("facts", "score"), [c[1:] for c in SCORES],
                         ids=[c[0] for c in SCORES])  # fmt: skip
def test_weighted_score(facts, score):
    assert compute_progress(facts).score == score


AGS = [
    ("nothing done", BASE, ("Initialized", "NotReady")),
    ("started, not complete", replace(BASE, lessons_viewed=1), ("Started", "Pending")),
    ("complete", ALL_READ, ("Completed", "FullyGraded")),
    ("complete with approved work",
     replace(ALL_READ, completion=rule(assignment="approved"), assignment_state="approved"),
     ("Completed", "FullyGraded")),
    ("handed in, rule asks for approval",
     replace(ALL_READ, completion=rule(assignment="approved"), weighting={"quiz": 100},
             assignment_state="submitted"), ("Submitted", "PendingManual")),
    ("handed in, rule satisfied but the mark weighs in the score",
     replace(ALL_READ, completion=rule(assignment="submitted"), assignment_state="submitted"),
     ("Submitted", "PendingManual")),
    ("handed in, rule satisfied and the mark weighs nothing",
     replace(ALL_READ, completion=rule(assignment="submitted"), weighting={"quiz": 100},
             assignment_state="submitted"), ("Completed", "FullyGraded")),
    ("handed in, lessons unread, mark weighs in",
     replace(BASE, lessons_viewed=1, assignment_state="submitted"),
     ("Submitted", "PendingManual")),
    ("handed in to a module without an assignment rule in force",
     replace(ALL_READ, completion=rule(assignment="approved"), has_assignment=False,
             weighting={"quiz": 100}, assignment_state="submitted"),
     ("Completed", "FullyGraded")),
    ("returned for a new version",
     replace(ALL_READ, completion=rule(assignment="approved"), assignment_state="returned"),
     ("Started", "Pending")),
    ("automatic part final at once: quiz passed, work awaiting the mentor",
     replace(ALL_READ, completion=rule(assignment="approved"), assignment_state="submitted",
             quiz_percents=(80.0,), automatic_final=True), ("Submitted", "FullyGraded")),
    ("automatic part final at once: quiz done, no work yet",
     replace(ALL_READ, completion=rule(assignment="approved"), quiz_percents=(40.0,),
             automatic_final=True), ("Started", "FullyGraded")),
    ("automatic part final at once, but no quiz attempt yet",
     replace(BASE, lessons_viewed=1, automatic_final=True), ("Started", "Pending")),
]  # fmt: skip


@pytest.mark.parametrize(("facts", "pair"), [c[1:] for c in AGS], ids=[c[0] for c in AGS])
def test_ags_progress(facts, pair):
    out = compute_progress(facts)
    assert (out.activity_progress, out.grading_progress) == pair


STARTED = replace(BASE, lessons_viewed=1)  # evaluates to no score, Started, Pending
EVENTS = [
    ("never started: no event even on a first evaluation", BASE, False),
    ("first evaluation once started", STARTED, True),
    ("nothing changed",
     replace(STARTED, recorded_activity_progress="Started", recorded_grading_progress="Pending"),
     False),
    ("score changed",
     replace(STARTED, quiz_percents=(80.0,), recorded_score=30.0,
             recorded_activity_progress="Started", recorded_grading_progress="Pending"), True),
    ("same score, same progress",
     replace(STARTED, quiz_percents=(80.0,), recorded_score=40.0,
             recorded_activity_progress="Started", recorded_grading_progress="Pending"), False),
    ("grading progress changed only",
     replace(STARTED, recorded_activity_progress="Started",
             recorded_grading_progress="PendingManual"), True),
]  # fmt: skip


@pytest.mark.parametrize(("facts", "due"), [c[1:] for c in EVENTS], ids=[c[0] for c in EVENTS])
def test_score_event_due_on_change(facts, due):
    assert compute_progress(facts).score_event_due is due


def test_quiz_figures_count_finished_attempts_only():
    facts = replace(ALL_READ, quiz_attempts_started=3, quiz_percents=(40.0, 70.0))
    out = compute_progress(facts)
    assert (out.quiz_attempts, out.best_quiz_percent, out.quiz_grade, out.quiz_passed) == (
        2,
        70.0,
        70.0,
        True,
    )


def test_no_quiz_no_grade():
    out = compute_progress(replace(ALL_READ, has_quiz=False))
    assert (out.quiz_attempts, out.best_quiz_percent, out.quiz_grade, out.quiz_passed) == (
        0,
        None,
        None,
        False,
    )


def test_extra_rules_are_the_non_core_required_ones_in_order():
    completion = {"lessons": "all", "b": "x", "quiz": "passed", "a": "y", "c": "none"}
    assert required_extra_rules(completion) == ["b", "a"]
    assert extra_rules_hold(completion, {"a": True, "b": True}) is True
    assert extra_rules_hold(completion, {"a": True}) is False


def test_extra_rule_checks_stop_at_the_first_failure(monkeypatch):
    asked = []

    def check(result):
        return lambda user_id: asked.append(user_id) or result

    monkeypatch.setitem(progress.EXTRA_RULES, "first", check(False))
    monkeypatch.setitem(progress.EXTRA_RULES, "second", check(True))
    completion = {"lessons": "all", "first": "required", "second": "required"}
    assert progress.extra_rule_results(7, completion) == {"first": False}
    assert asked == [7]
    assert progress.extra_rules_ok(7, {"lessons": "all", "second": "required"}) is True
    assert progress.extra_rule_results(7, {"visit_moon": "required"}) == {"visit_moon": False}
