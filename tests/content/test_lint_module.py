"""The module lint of `content check` (durations, rubric, approval, resources): table-driven."""

from __future__ import annotations

import pytest

from tests.content.conftest import M
from tests.content.test_lint import LESSON, edit_yaml, findings

CASES = {
    "lesson longer than its reading time": (
        lambda p: (
            p.edit(LESSON, "duration_minutes: 5", "duration_minutes: 8")
            or p.edit(f"{M}/module.yaml", "duration_minutes: 20", "duration_minutes: 30")
        ),
        lambda p: (
            p.edit(LESSON, "duration_minutes: 5", "duration_minutes: 7")
            or p.edit(f"{M}/module.yaml", "duration_minutes: 20", "duration_minutes: 30")
        ),
        "warning: duration_minutes 8 is more than twice the reading time plus 5 (32 words: 1 "
        "minute to read, at most 7)",
    ),
    "lesson shorter than its reading time": (
        lambda p: (
            p.edit(LESSON, "- un point\n", "- un point\n\n" + "mot " * 300 + "\n")
            or p.edit(LESSON, "duration_minutes: 5", "duration_minutes: 2")
        ),
        lambda p: (
            p.edit(LESSON, "- un point\n", "- un point\n\n" + "mot " * 300 + "\n")
            or p.edit(LESSON, "duration_minutes: 5", "duration_minutes: 3")
        ),
        "warning: duration_minutes 2 is below the reading time: 332 words at 150 a minute take "
        "3 minutes",
    ),
    "module shorter than its parts": (
        lambda p: p.edit(f"{M}/module.yaml", "duration_minutes: 20", "duration_minutes: 19"),
        lambda p: p.edit(f"{M}/module.yaml", "duration_minutes: 20", "duration_minutes: 25"),
        "error: duration_minutes 19 is below the sum of its parts: 20 (lessons 5, quiz 5, "
        "assignment 10)",
    ),
    "subjective descriptor": (
        lambda p: p.edit(
            f"{M}/assignment.yaml", 'descriptor: "Limpide."', 'descriptor: "Une analyse cohérente."'
        ),
        lambda p: p.edit(
            f"{M}/assignment.yaml", 'descriptor: "Limpide."', 'descriptor: "Trois acteurs nommés."'
        ),
        'warning: criterion "clarte", level "excellent": subjective word "cohérente" in the '
        "descriptor: say what a mentor observes (a count, a named element)",
    ),
    "approval unreachable": (
        lambda p: edit_yaml(
            p,
            "assignment.yaml",
            lambda d: d["rubric"][0].update(
                levels=[
                    {"id": "a", "title": "A", "points": 1, "descriptor": "Un acteur."},
                    {"id": "b", "title": "B", "points": 1, "descriptor": "Deux acteurs."},
                ]
            ),
        ),
        lambda p: edit_yaml(
            p,
            "assignment.yaml",
            lambda d: d["rubric"][0].update(
                levels=[
                    {"id": "a", "title": "A", "points": 0, "descriptor": "Un acteur."},
                    {"id": "b", "title": "B", "points": 1, "descriptor": "Deux acteurs."},
                ]
            ),
        ),
        "error: approval rule unreachable: 0.5 x 1 points cannot be met without a criterion at "
        "its lowest level",
    ),
    "source not credited": (
        lambda p: p.edit(f"{M}/module.yaml", 'publisher: "Le RAMEAU"', 'publisher: "Autre"'),
        lambda p: p.edit(
            f"{M}/module.yaml", 'note: "La source des idées du programme."', 'note: "La source."'
        ),
        'warning: no resource from publisher "Le RAMEAU": credit the source',
    ),
    "resource listed twice": (
        lambda p: p.edit(
            f"{M}/module.yaml", "https://www.vie-publique.fr/", "https://www.lerameau.fr"
        ),
        lambda p: p.edit(
            f"{M}/module.yaml",
            "https://www.vie-publique.fr/",
            "https://www.vie-publique.fr/ressources/",
        ),
        'warning: resource "https://www.lerameau.fr" is listed twice',
    ),
}


@pytest.mark.parametrize("rule", CASES)
def test_rule_flags_its_failing_fixture(sample, rule):
    fail, _ok, message = CASES[rule]
    fail(sample)
    assert message in findings(sample)


@pytest.mark.parametrize("rule", CASES)
def test_rule_passes_its_passing_fixture(sample, rule):
    _fail, ok, _message = CASES[rule]
    ok(sample)
    assert findings(sample) == []
