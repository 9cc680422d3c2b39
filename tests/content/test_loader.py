"""Loader: immutable objects, normalised questions, programme cache, snapshots."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest

from catalyst_training.content.loader import (
    load_module,
    load_programme,
    module_from_snapshot,
    module_to_snapshot,
)
from catalyst_training.content.source import ContentError
from tests.content.conftest import SAMPLE, M


def test_sample_module():
    module = load_module(SAMPLE / M)
    assert (module.slug, module.order, module.duration_minutes) == ("module-exemple", 1, 20)
    assert module.completion == {"lessons": "all", "quiz": "passed", "assignment": "submitted"}
    assert module.weighting == {"quiz": 50, "assignment": 50}
    assert len(module.version) == 64 and module.path == SAMPLE / M
    (lesson,) = module.lessons
    assert (lesson.id, lesson.order, lesson.duration_minutes) == ("premiere-lecon", 1, 5)
    assert [h.anchor for h in lesson.headings] == ["une-section", "une-autre-section"]
    assert 'href="#une-autre-section"' in lesson.html
    assert lesson.markdown.startswith("Une leçon courte")
    quiz = module.quiz
    assert quiz.pass_mark == 50 and quiz.max_points == 2 and quiz.grading == "highest"
    assert quiz.question("q-vrai-faux")["feedback"] == {
        "true": "Exact.",
        "false": "Regardez dehors.",
    }
    assignment = module.assignment
    assert assignment.max_points == 2 and assignment.requires_approval is True
    assert [lv.points for lv in assignment.rubric[0].levels] == [0, 1, 2]
    assert assignment.attachment["types"] == ("pdf", "txt")
    assert "<p>Décrivez votre territoire" in assignment.prompt_html


def test_objects_are_immutable():
    module = load_module(SAMPLE / M)
    with pytest.raises(dataclasses.FrozenInstanceError):
        module.title = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        module.quiz.questions[0]["points"] = 5  # type: ignore[index]
    with pytest.raises(TypeError):
        module.completion["quiz"] = "none"  # type: ignore[index]
    assert isinstance(module.quiz.questions[0]["choices"], tuple)


def test_invalid_module_raises_and_is_skipped_by_the_programme(sample, caplog):
    sample.edit(f"{M}/module.yaml", "quiz: 50", "quiz: 40")
    with pytest.raises(ContentError) as info:
        load_module(sample.path(M))
    assert [str(p) for p in info.value.problems] == [
        f"{M}/module.yaml:14: error: weighting quiz + assignment must sum to 100 (got 90)"
    ]
    assert load_programme(sample.root) == ()
    assert "skipped" in caplog.text


def test_programme_is_cached_until_a_file_changes(sample):
    first = load_programme(sample.root)
    assert load_programme(sample.root) is first
    path = sample.path(f"{M}/module.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("Module d'exemple", "Autre titre"))
    os.utime(path, ns=(1, 1))
    second = load_programme(sample.root)
    assert second is not first and second[0].title == "Autre titre"
    assert second[0].version != first[0].version


def test_second_edition_fields():
    module = load_module(SAMPLE / M)
    assert module.self_assessment == "start" and len(module.key_points) == 3
    rameau = module.resources[0]
    assert (rameau.publisher, rameau.url) == ("Le RAMEAU", "https://www.lerameau.fr/")
    assert rameau.note and module.resources[1].note == ""
    assert module.lessons[0].objectives == ("Être capable de lire une leçon courte.",)
    assert module.quiz.estimated_minutes == 5
    assert [q["kind"] for q in module.quiz.questions] == ["recall", "scenario"]
    assignment = module.assignment
    assert assignment.estimated_minutes == 10
    assert (assignment.approval.min_share, assignment.approval.no_lowest_level) == (0.5, True)
    guide = assignment.mentor_guide
    assert "<p>Vérifiez d’abord" in guide.focus_html
    assert "Exemple inventé" in guide.good.excerpt_html and len(guide.weak.notes) == 1


@pytest.mark.parametrize(
    ("levels", "approved"),
    [
        ({"clarte": "excellent"}, True),
        ({"clarte": "correct"}, True),  # 1 of 2 points = the 0.5 share, not the lowest level
        ({"clarte": "insuffisant"}, False),  # lowest level
        ({}, False),  # not scored
        ({"clarte": "inconnu"}, False),
    ],
)
def test_approval_rule_decides(levels, approved):
    assert load_module(SAMPLE / M).assignment.approval.decides(levels) is approved


def test_approval_rule_share_without_the_lowest_level_clause(sample):
    sample.edit(f"{M}/assignment.yaml", "min_share: 0.5", "min_share: 0.75")
    sample.edit(f"{M}/assignment.yaml", "no_lowest_level: true", "no_lowest_level: false")
    approval = load_module(sample.path(M)).assignment.approval
    assert approval.decides({"clarte": "excellent"}) is True
    assert approval.decides({"clarte": "correct"}) is False  # 1 / 2 < 0.75


def test_snapshot_round_trip():
    module = load_module(SAMPLE / M)
    snapshot = json.loads(json.dumps(module_to_snapshot(module)))
    again = module_from_snapshot(snapshot)
    assert again == module and again.path is None
    assert again.lessons[0].html == module.lessons[0].html
    assert again.assignment.mentor_guide == module.assignment.mentor_guide
    assert again.assignment.approval.decides({"clarte": "correct"}) is True
    assert again.resources == module.resources and again.lessons[0].objectives


def test_snapshot_from_before_the_second_edition_still_replays():
    snapshot = json.loads(json.dumps(module_to_snapshot(load_module(SAMPLE / M))))
    for key in ("key_points", "resources", "self_assessment"):
        del snapshot[key]
    del snapshot["lessons"][0]["objectives"], snapshot["quiz"]["estimated_minutes"]
    for key in ("estimated_minutes", "approval", "mentor_guide"):
        del snapshot["assignment"][key]
    old = module_from_snapshot(snapshot)
    assert old.key_points == () and old.resources == () and old.self_assessment is None
    assert old.assignment.mentor_guide is None and old.assignment.estimated_minutes == 0
    assert old.assignment.approval.decides({"clarte": "correct"}) is True
