"""Pure quiz logic: per-attempt order, scoring and the grading methods."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from .questions import question_type

GRADING_METHODS = ("highest", "last", "first", "average")


def build_order(quiz, seed: int) -> tuple[list[str], dict[str, list[str]]]:
    """Question order and per-question choice order for an attempt, replayable from its seed."""
    rng = random.Random(seed)  # noqa: S311 - shuffling for display, not security
    order = [q["id"] for q in quiz.questions]
    if quiz.shuffle_questions:
        rng.shuffle(order)
    choices: dict[str, list[str]] = {}
    for q in quiz.questions:
        ids = question_type(q).shuffle_ids(q)
        if ids and quiz.shuffle_choices:
            rng.shuffle(ids)
        if ids:
            choices[q["id"]] = ids
    return order, choices


def score_answers(
    questions: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]
) -> tuple[float, float, dict[str, dict[str, Any]]]:
    """Total points, maximum and per-question outcome of a set of answers."""
    total = maximum = 0.0
    results: dict[str, dict[str, Any]] = {}
    for q in questions:
        outcome = question_type(q).score(q, answers.get(q["id"]))
        total += outcome.points
        maximum += outcome.max_points
        results[q["id"]] = {
            "points": outcome.points,
            "max": outcome.max_points,
            "correct": outcome.correct,
            "partial": outcome.partial,
        }
    return round(total, 4), round(maximum, 4), results


def percent(points: float, maximum: float) -> float:
    """A score as a percentage (0 when nothing can be scored)."""
    return round(100.0 * points / maximum, 2) if maximum else 0.0


def grade(percents: Sequence[float], method: str) -> float | None:
    """The quiz grade from submitted attempts in order, by the quiz's grading method."""
    if not percents:
        return None
    if method == "highest":
        return max(percents)
    if method == "last":
        return percents[-1]
    if method == "first":
        return percents[0]
    if method == "average":
        return round(sum(percents) / len(percents), 2)
    raise ValueError(f"unknown grading method {method!r}")
