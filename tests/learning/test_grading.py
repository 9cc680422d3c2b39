"""Grading methods, attempt order replay and scoring totals."""

from types import SimpleNamespace

import pytest

from catalyst_training.learning.grading import build_order, grade, percent, score_answers
from tests.learning.test_questions import MULTI, SINGLE, TF


@pytest.mark.parametrize(("method", "expected"), [
    ("highest", 80.0), ("last", 60.0), ("first", 40.0), ("average", 60.0),
])  # fmt: skip
def test_grading_methods(method, expected):
    assert grade([40.0, 80.0, 60.0], method) == expected


def test_no_attempt_has_no_grade():
    assert grade([], "highest") is None


def test_average_keeps_two_decimals():
    assert grade([100.0, 0.0, 0.0], "average") == 33.33


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown grading method"):
        grade([1.0], "median")


def test_order_is_replayable_from_the_seed():
    quiz = SimpleNamespace(questions=(SINGLE, MULTI, TF), shuffle_questions=True,
                           shuffle_choices=True)  # fmt: skip
    first = build_order(quiz, 1234)
    assert first == build_order(quiz, 1234)
    assert sorted(first[0]) == ["m", "s", "t"]
    assert sorted(first[1]["m"]) == ["a", "b", "c", "d"]
    orders = {tuple(build_order(quiz, seed)[0]) for seed in range(30)}
    assert len(orders) > 1


def test_no_shuffle_keeps_author_order():
    quiz = SimpleNamespace(questions=(SINGLE, MULTI, TF), shuffle_questions=False,
                           shuffle_choices=False)  # fmt: skip
    order, choices = build_order(quiz, 99)
    assert order == ["s", "m", "t"] and choices["m"] == ["a", "b", "c", "d"]


def test_score_totals_and_percent():
    points, maximum, results = score_answers([SINGLE, MULTI, TF], {"s": "a", "m": ["a", "b"]})
    assert (points, maximum) == (4.0, 6.0)
    assert results["m"] == {"points": 2.0, "max": 3.0, "correct": False, "partial": True}
    assert results["t"]["points"] == 0
    assert percent(points, maximum) == 66.67
    assert percent(0, 0) == 0.0
