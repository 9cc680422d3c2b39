"""The item-writing lint of `content check`: for each rule, a fixture it flags and one it passes."""

from __future__ import annotations

import pytest
import yaml

from catalyst_training.content.check import check_programme
from catalyst_training.content.lint import absolute_words, normalise
from tests.content.conftest import M

REF = "premiere-lecon#une-section"
LESSON = f"{M}/lessons/01-premiere-lecon.md"


def findings(programme) -> list[str]:
    """Every problem as `severity: message` (lines are tested once, below)."""
    return [f"{p.severity}: {p.message}" for p in check_programme(programme.root).problems]


def choice(cid: str, text: str, correct: bool = False, feedback: str | None = None, **kw):
    """A choice with its own feedback and a ref unless told otherwise."""
    out = {"id": cid, "text": text, "correct": correct,
           "feedback": feedback or f"Pourquoi {cid} : {text}.", "ref": REF}  # fmt: skip
    out.update(kw)
    return {k: v for k, v in out.items() if v is not None}


def single(qid: str, *choices, kind: str = "scenario", qtype: str = "single") -> dict:
    """A choices question set in a (fictional) territory."""
    prompt = "Dans un territoire fictif, que faites-vous ?"
    return {"id": qid, "type": qtype, "kind": kind, "points": 1, "prompt": prompt,
            "choices": list(choices)}  # fmt: skip


def truefalse(qid: str, prompt: str, feedback=None, kind: str = "scenario", **kw) -> dict:
    """A true/false question."""
    q = {"id": qid, "type": "truefalse", "kind": kind, "points": 1, "prompt": prompt,
         "answer": True, "ref": REF,
         "feedback": feedback or {"true": "Oui, parce que.", "false": "Non, car."}}  # fmt: skip
    q.update(kw)
    return {k: v for k, v in q.items() if v is not None}


def add_questions(programme, *questions) -> None:
    """Append questions to the sample quiz."""
    path = programme.path(f"{M}/quiz.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["questions"] += list(questions)
    programme.write(f"{M}/quiz.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def edit_yaml(programme, name: str, change) -> None:
    """Load a YAML file of the sample module, change it, write it back."""
    path = programme.path(f"{M}/{name}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    programme.write(f"{M}/{name}", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


WRONG_A, WRONG_B = "Réunir les élus du bassin", "Lancer un appel à projets"  # 25 characters each
CASES = {
    "right option the longest": (
        lambda p: add_questions(
            p,
            single(
                "q",
                choice("a", "Réunir les acteurs du bassin de vie", True),
                choice("b", WRONG_A),
                choice("c", WRONG_B),
            ),
        ),
        lambda p: add_questions(
            p,
            single(
                "q",
                choice("a", "Réunir les acteurs du bassin", True),
                choice("b", WRONG_A),
                choice("c", WRONG_B),
            ),
        ),
        'warning: question "q": the right option "a" is the longest (35 characters, 1.40 x the '
        "wrong ones' mean of 25; keep it within 1.25 x)",
    ),
    "options of very unequal length": (
        lambda p: add_questions(
            p,
            single("q", choice("a", "Les élus", True), choice("b", "Les associations de quartier")),
        ),
        lambda p: add_questions(
            p, single("q", choice("a", "Les élus locaux", True), choice("b", "Les associations"))
        ),
        'warning: question "q": options of very unequal length (28 against 8 characters; keep '
        "the longest within 2 x the shortest)",
    ),
    "duplicate options": (
        lambda p: add_questions(
            p,
            single(
                "q",
                choice("a", "Le maire", True),
                choice("b", "le  maire !"),
                choice("c", "Le préfet"),
            ),
        ),
        lambda p: add_questions(
            p,
            single(
                "q",
                choice("a", "Le maire", True),
                choice("b", "Le préfet"),
                choice("c", "Le député"),
            ),
        ),
        'warning: question "q": option "b" duplicates "a"',
    ),
    "same feedback on two options": (
        lambda p: add_questions(
            p,
            single(
                "q",
                choice("a", "Le maire", True, "Voir la leçon."),
                choice("b", "Le préfet", feedback="Voir la leçon."),
            ),
        ),
        lambda p: add_questions(
            p,
            single(
                "q",
                choice("a", "Le maire", True, "Il porte le projet."),
                choice("b", "Le préfet", feedback="Il n’en a pas la charge."),
            ),
        ),
        'warning: question "q": option "b" has the same feedback as "a" (say why this option '
        "is right or wrong)",
    ),
    "missing feedback": (
        lambda p: add_questions(
            p,
            truefalse(
                "q", "Une alliance réunit des acteurs.", {"true": "Oui, des acteurs variés."}
            ),
        ),
        lambda p: add_questions(p, truefalse("q", "Une alliance réunit des acteurs.")),
        'warning: question "q": no feedback for false',
    ),
    "same feedback for true and false": (
        lambda p: add_questions(
            p,
            truefalse(
                "q",
                "Une alliance réunit des acteurs.",
                {"true": "Voir la leçon.", "false": "Voir la leçon."},
            ),
        ),
        lambda p: add_questions(p, truefalse("q", "Une alliance réunit des acteurs.")),
        'warning: question "q": the same feedback for true and false',
    ),
    "missing ref": (
        lambda p: add_questions(p, truefalse("q", "Une alliance réunit des acteurs.", ref=None)),
        lambda p: add_questions(p, truefalse("q", "Une alliance réunit des acteurs.")),
        'warning: question "q": no ref to a lesson section',
    ),
    "all but one right": (
        lambda p: add_questions(
            p,
            single(
                "q",
                choice("a", "Le maire", True),
                choice("b", "Le préfet", True),
                choice("c", "La région", True),
                choice("d", "Le député"),
                qtype="multiple",
            ),
        ),
        lambda p: add_questions(
            p,
            single(
                "q",
                choice("a", "Le maire", True),
                choice("b", "Le préfet", True),
                choice("c", "La région"),
                choice("d", "Le député"),
                qtype="multiple",
            ),
        ),
        'warning: question "q": all options but one are right (3 of 4); the odd one out gives '
        "the answer away (at most 2 right)",
    ),
    "same number of right options everywhere": (
        lambda p: add_questions(
            p,
            *(
                single(
                    q,
                    choice("a", "Le maire", True),
                    choice("b", "Le préfet"),
                    choice("c", "La région"),
                    qtype="multiple",
                )
                for q in ("q1", "q2")
            ),
        ),
        lambda p: add_questions(
            p,
            single(
                "q1",
                choice("a", "Le maire", True),
                choice("b", "Le préfet"),
                choice("c", "La région"),
                qtype="multiple",
            ),
            single(
                "q2",
                choice("a", "Le maire", True),
                choice("b", "Le préfet"),
                choice("c", "La région"),
                choice("d", "Le député", True),
                qtype="multiple",
            ),
        ),
        "warning: every multiple-choice question has 1 right option: vary the number across "
        "the quiz",
    ),
    "absolute word in a true/false statement": (
        lambda p: add_questions(p, truefalse("q", "Une alliance réunit TOUJOURS trois acteurs.")),
        lambda p: add_questions(p, truefalse("q", "Une alliance réunit souvent trois acteurs.")),
        'warning: question "q": absolute words in a true/false statement ("TOUJOURS") give '
        "the answer away",
    ),
    "ne … que in a true/false statement": (
        lambda p: add_questions(p, truefalse("q", "Une alliance n’associe que des entreprises.")),
        lambda p: add_questions(
            p, truefalse("q", "Une alliance n’associe pas que des entreprises.")
        ),
        'warning: question "q": absolute words in a true/false statement ("n’associe que") give '
        "the answer away",
    ),
    "a second recall question": (
        lambda p: add_questions(
            p, truefalse("q", "Une alliance réunit des acteurs.", kind="recall")
        ),
        lambda p: add_questions(p, truefalse("q", "Une alliance réunit des acteurs.")),
        'warning: question "q": a second recall question in this module (the first is '
        '"q-single"); make it a scenario or application',
    ),
    "one word asked, several accepted": (
        lambda p: add_questions(
            p,
            {
                "id": "q",
                "type": "short_text",
                "kind": "application",
                "points": 1,
                "prompt": "Répondez d’un seul mot : qui décide ?",
                "ref": REF,
                "accepted": ["élus", "les élus"],
                "feedback": {"correct": "Oui.", "incorrect": "Les élus."},
            },
        ),
        lambda p: add_questions(
            p,
            {
                "id": "q",
                "type": "short_text",
                "kind": "application",
                "points": 1,
                "prompt": "Qui décide ?",
                "ref": REF,
                "accepted": ["élus", "les élus"],
                "feedback": {"correct": "Oui.", "incorrect": "Les élus."},
            },
        ),
        'warning: question "q": the prompt asks for one word but accepts "les élus"',
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


def test_findings_have_a_line_and_strict_refuses_warnings(sample, cli):
    sample.edit(f"{M}/quiz.yaml", '"Le ciel est bleu."', '"Le ciel est toujours bleu."')
    (problem,) = check_programme(sample.root).problems
    assert str(problem) == (
        f'{M}/quiz.yaml:23: warning: question "q-vrai-faux": absolute words in a true/false '
        'statement ("toujours") give the answer away'
    )
    lenient = cli("content", "check", "--path", str(sample.root))
    assert lenient.exit_code == 0
    assert lenient.output.splitlines()[-1] == "1 modules OK (1 warning; --strict refuses them)"
    strict = cli("content", "check", "--strict", "--path", str(sample.root))
    assert strict.exit_code == 1
    assert "0 errors and 1 warning found (--strict: warnings count as errors)" in strict.output


@pytest.mark.parametrize(
    ("statement", "words"),
    [
        ("Seule la commune décide.", ["Seule"]),
        ("Tous les acteurs, sans exception.", ["Tous"]),
        ("Le toutou est là.", []),  # whole words only
        ("Il ne faut pas croire que tout se décide ici.", []),
        ("Ce n’est qu’une étape.", ["n’est qu’"]),
        ("On ne retient que deux critères.", ["ne retient que"]),
    ],
)
def test_absolute_words(statement, words):
    assert absolute_words(statement) == words


def test_normalise():
    assert normalise("L’État, ici !") == normalise("l'état ici") == "l'état ici"
