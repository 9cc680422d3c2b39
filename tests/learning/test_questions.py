"""Each question type: parsing (incl. tampering), scoring, partial credit, feedback."""

import pytest
from werkzeug.datastructures import MultiDict

from catalyst_training.learning.questions import REGISTRY, InvalidAnswer, normalise_text

SINGLE = {"id": "s", "type": "single", "points": 2, "choices": [
    {"id": "a", "text": "A", "correct": True, "feedback": "oui", "ref": "l#x"},
    {"id": "b", "text": "B", "correct": False, "feedback": "non", "ref": "l#y"},
]}  # fmt: skip
MULTI = {"id": "m", "type": "multiple", "points": 3, "choices": [
    {"id": "a", "text": "A", "correct": True, "feedback": "fa"},
    {"id": "b", "text": "B", "correct": True, "feedback": "fb"},
    {"id": "c", "text": "C", "correct": True, "feedback": "fc"},
    {"id": "d", "text": "D", "correct": False, "feedback": "fd"},
]}  # fmt: skip
TF = {"id": "t", "type": "truefalse", "points": 1, "answer": False,
      "feedback": {"true": "Non, faux.", "false": "Exact."}, "ref": "l#z"}  # fmt: skip
SHORT = {"id": "x", "type": "short_text", "points": 1, "accepted": ["la confiance", "confiance"],
         "feedback": {"correct": "Bravo", "incorrect": "Relisez"}}  # fmt: skip
ORDER = {"id": "o", "type": "ordering", "points": 4,
         "items": [{"id": "i1", "text": "1"}, {"id": "i2", "text": "2"},
                   {"id": "i3", "text": "3"}, {"id": "i4", "text": "4"}]}  # fmt: skip
MATCH = {"id": "p", "type": "matching", "points": 3, "pairs": [
    {"id": "p1", "left": "L1", "right": "R1"}, {"id": "p2", "left": "L2", "right": "R2"},
    {"id": "p3", "left": "L3", "right": "R3"}]}  # fmt: skip


def answer(q, **fields):
    form = MultiDict()
    for key, value in fields.items():
        name = "q-" + q["id"] + ("" if key == "_" else "-" + key)
        for v in value if isinstance(value, list) else [value]:
            form.add(name, v)
    return REGISTRY[q["type"]].parse(q, form)


def score(q, ans):
    return REGISTRY[q["type"]].score(q, ans)


def test_registry_has_six_types():
    assert set(REGISTRY) == {"single", "multiple", "truefalse", "short_text", "ordering",
                             "matching"}  # fmt: skip


def test_single_choice():
    assert score(SINGLE, answer(SINGLE, _="a")).points == 2
    assert score(SINGLE, answer(SINGLE, _="b")).points == 0
    assert score(SINGLE, answer(SINGLE)).points == 0
    with pytest.raises(InvalidAnswer):
        answer(SINGLE, _="zz")
    fb = REGISTRY["single"].feedback(SINGLE, "b")
    assert fb == [{"text": "non", "ref": "l#y", "choice": "b"}]


@pytest.mark.parametrize(("ticked", "points", "correct", "partial"), [
    (["a", "b", "c"], 3.0, True, False),
    (["a", "b"], 2.0, False, True),
    (["a", "b", "c", "d"], 2.0, False, True),  # one wrong tick cancels one right tick
    (["a", "d"], 0.0, False, False),
    (["d"], 0.0, False, False),  # never below zero
    ([], 0.0, False, False),
])  # fmt: skip
def test_multiple_choice_partial_credit(ticked, points, correct, partial):
    outcome = score(MULTI, answer(MULTI, _=ticked) if ticked else None)
    assert (outcome.points, outcome.correct, outcome.partial) == (points, correct, partial)


def test_multiple_choice_rejects_unknown_ids():
    with pytest.raises(InvalidAnswer):
        answer(MULTI, _=["a", "evil"])


def test_true_false():
    assert score(TF, answer(TF, _="false")).correct
    assert not score(TF, answer(TF, _="true")).correct
    assert REGISTRY["truefalse"].feedback(TF, True)[0]["text"] == "Non, faux."
    with pytest.raises(InvalidAnswer):
        answer(TF, _="maybe")


@pytest.mark.parametrize("typed", ["Confiance", "  la   CONFIANCE ", "la confiance !", "confiançe"])
def test_short_text_is_normalised(typed):
    assert score(SHORT, answer(SHORT, _=typed)).correct


def test_short_text_wrong_and_too_long():
    assert not score(SHORT, answer(SHORT, _="méfiance")).correct
    with pytest.raises(InvalidAnswer):
        answer(SHORT, _="x" * 501)
    assert normalise_text("L’élu local") == "l elu local"


def test_ordering_partial_credit():
    assert score(ORDER, answer(ORDER, i1="1", i2="2", i3="3", i4="4")).points == 4
    half = score(ORDER, answer(ORDER, i1="1", i2="2", i3="4", i4="3"))
    assert (half.points, half.partial, half.correct) == (2.0, True, False)
    with pytest.raises(InvalidAnswer):
        answer(ORDER, i1="9")
    with pytest.raises(InvalidAnswer):
        answer(ORDER, i1="x")


def test_matching_partial_credit():
    assert score(MATCH, answer(MATCH, p1="p1", p2="p2", p3="p3")).correct
    one = score(MATCH, answer(MATCH, p1="p1", p2="p3", p3="p2"))
    assert one.points == 1.0 and one.partial
    with pytest.raises(InvalidAnswer):
        answer(MATCH, p1="nope")


def test_correct_answers_score_full_marks():
    for q in (SINGLE, MULTI, TF, SHORT, ORDER, MATCH):
        handler = REGISTRY[q["type"]]
        outcome = handler.score(q, handler.correct_answer(q))
        assert outcome.correct and outcome.points == handler.points(q), q["type"]
