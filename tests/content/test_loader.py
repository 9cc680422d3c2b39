"""Loader: immutable objects, normalised questions, programme cache, snapshots."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest

from catalyst_training.content.loader import (
    find_module,
    load_module,
    load_programme,
    module_from_snapshot,
    module_to_snapshot,
)
from catalyst_training.content.source import ContentError
from tests.content.conftest import REAL, SAMPLE, M


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


def test_truefalse_feedback_keys_are_strings_in_the_real_programme():
    modules = load_programme(REAL)
    assert [m.order for m in modules] == [1, 2, 3, 4, 5, 6]
    types = set()
    for module in modules:
        for q in module.quiz.questions:
            types.add(q["type"])
            if q["type"] == "truefalse":
                assert set(q["feedback"]) == {"true", "false"}
    assert types == {"single", "multiple", "truefalse", "short_text", "ordering", "matching"}
    assert find_module(REAL, "acteurs-publics").order == 2
    assert find_module(REAL, "nope") is None and find_module(REAL, None) is None


def test_invalid_module_raises_and_is_skipped_by_the_programme(sample, caplog):
    sample.edit(f"{M}/module.yaml", "quiz: 50", "quiz: 40")
    with pytest.raises(ContentError) as info:
        load_module(sample.path(M))
    assert [str(p) for p in info.value.problems] == [
        f"{M}/module.yaml:14: weighting quiz + assignment must sum to 100 (got 90)"
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


def test_snapshot_round_trip():
    for module in (*load_programme(REAL), load_module(SAMPLE / M)):
        snapshot = json.loads(json.dumps(module_to_snapshot(module)))
        again = module_from_snapshot(snapshot)
        assert again == module and again.path is None
        assert again.lessons[0].html == module.lessons[0].html
