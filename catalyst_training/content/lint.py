"""Item-writing lint of quizzes: findings that let a quiz be passed without reading.

Each finding is a warning (`content check --strict` refuses them). The thresholds are explained
to authors in modules/README.md ("Règles de rédaction des questions").
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .parse import ParsedModule
from .source import Document, Path_, Problem

# A right option longer than this share of the wrong ones' mean, and the longest, is a cue.
LONGEST_SHARE = 1.25
# No option more than this many times the shortest of its question.
SPREAD = 2.0
ABSOLUTE_WORDS = (
    "toujours", "jamais", "nécessairement", "obligatoirement", "uniquement", "seul", "seule",
    "seuls", "seules", "aucun", "aucune", "tous", "toutes", "totalement", "forcément",
    "exclusivement", "systématiquement", "définitivement",
)  # fmt: skip
_ABSOLUTE = re.compile(r"\b(" + "|".join(ABSOLUTE_WORDS) + r")\b", re.IGNORECASE)
# "ne … que" (restriction), but not "ne … pas que" and the like; within one clause.
_NE_QUE = re.compile(
    r"\bn(?:e\s+|['’])(?:(?!\b(?:pas|point|plus|jamais|rien|guère)\b)[^.;:!?]){0,80}?"
    r"\bqu(?:e\b|['’])",
    re.IGNORECASE,
)
_ONE_WORD = re.compile(r"\b(?:un seul mot|en un mot|d['’]un mot)\b", re.IGNORECASE)
_PUNCT = re.compile(r"[^\w\s']")


def normalise(text: str) -> str:
    """Text compared for duplicates: NFKC, casefolded, no punctuation, single spaces."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").casefold()
    return " ".join(_PUNCT.sub(" ", text).split())


def absolute_words(statement: str) -> list[str]:
    """The absolute words (and "ne … que") of a statement, as written."""
    found = [m.group(0) for m in _ABSOLUTE.finditer(statement)]
    found += [m.group(0) for m in _NE_QUE.finditer(statement)]
    return found


class _Findings:
    """Warnings of one quiz file, each on the line of its path."""

    def __init__(self, doc: Document, file: str):
        self.doc, self.file, self.items = doc, file, []

    def add(self, path: Path_, message: str) -> None:
        self.items.append(Problem(self.file, self.doc.line(path), message, "warning"))


def _lengths(q: dict[str, Any], base: Path_, out: _Findings) -> None:
    choices = q["choices"]
    sizes = [len(c["text"].strip()) for c in choices]
    wrong = [n for n, c in zip(sizes, choices, strict=True) if not c["correct"]]
    longest = max(sizes)
    for j, (size, choice) in enumerate(zip(sizes, choices, strict=True)):
        if choice["correct"] and wrong and size == longest and size > max(wrong):
            mean = sum(wrong) / len(wrong)
            if size > LONGEST_SHARE * mean:
                out.add(
                    (*base, "choices", j),
                    f'question "{q["id"]}": the right option "{choice["id"]}" is the longest '
                    f"({size} characters, {size / mean:.2f} x the wrong ones' mean of "
                    f"{mean:.0f}; keep it within {LONGEST_SHARE} x)",
                )
    shortest = min(sizes)
    if shortest and longest > SPREAD * shortest:
        j = sizes.index(longest)
        out.add(
            (*base, "choices", j),
            f'question "{q["id"]}": options of very unequal length ({longest} against '
            f"{shortest} characters; keep the longest within {SPREAD:g} x the shortest)",
        )


def _duplicates_and_feedback(q: dict[str, Any], base: Path_, out: _Findings) -> None:
    seen: dict[str, str] = {}
    said: dict[str, str] = {}
    for j, choice in enumerate(q["choices"]):
        text = normalise(choice["text"])
        if text in seen:
            out.add(
                (*base, "choices", j),
                f'question "{q["id"]}": option "{choice["id"]}" duplicates "{seen[text]}"',
            )
        seen.setdefault(text, choice["id"])
        feedback = normalise(choice.get("feedback") or "")
        if not feedback:
            out.add((*base, "choices", j), f'question "{q["id"]}": option "{choice["id"]}" '
                    "has no feedback")  # fmt: skip
        elif feedback in said:
            out.add(
                (*base, "choices", j, "feedback"),
                f'question "{q["id"]}": option "{choice["id"]}" has the same feedback as '
                f'"{said[feedback]}" (say why this option is right or wrong)',
            )
        said.setdefault(feedback, choice["id"])
        if "ref" not in choice:
            out.add((*base, "choices", j), f'question "{q["id"]}": option "{choice["id"]}" '
                    "has no ref to a lesson section")  # fmt: skip


def _verdict_feedback(q: dict[str, Any], base: Path_, out: _Findings) -> None:
    keys = ("true", "false") if q["type"] == "truefalse" else ("correct", "incorrect")
    feedback = q.get("feedback") or {}
    missing = [k for k in keys if not normalise(feedback.get(k) or "")]
    if missing:
        where = (*base, "feedback") if feedback else base
        out.add(where, f'question "{q["id"]}": no feedback for {" and ".join(missing)}')
    elif normalise(feedback[keys[0]]) == normalise(feedback[keys[1]]):
        out.add(
            (*base, "feedback"),
            f'question "{q["id"]}": the same feedback for {keys[0]} and {keys[1]}',
        )
    if "ref" not in q:
        out.add(base, f'question "{q["id"]}": no ref to a lesson section')


def _question(q: dict[str, Any], base: Path_, out: _Findings) -> None:
    kind = q["type"]
    if kind in ("single", "multiple"):
        _lengths(q, base, out)
        _duplicates_and_feedback(q, base, out)
        n, right = len(q["choices"]), sum(1 for c in q["choices"] if c["correct"])
        if kind == "multiple" and n >= 3 and right >= n - 1:
            what = "every option is right" if right == n else "all options but one are right"
            out.add(
                (*base, "choices"),
                f'question "{q["id"]}": {what} ({right} of {n}); the odd one out gives the '
                f"answer away (at most {n - 2} right)",
            )
        return
    _verdict_feedback(q, base, out)
    if kind == "truefalse":
        words = absolute_words(q["prompt"])
        if words:
            listed = ", ".join(f'"{w}"' for w in words)
            out.add(
                (*base, "prompt"),
                f'question "{q["id"]}": absolute words in a true/false statement ({listed}) '
                "give the answer away",
            )
    if kind == "short_text" and _ONE_WORD.search(q["prompt"]):
        several = [a for a in q["accepted"] if len(a.split()) > 1]
        if several:
            out.add(
                (*base, "prompt"),
                f'question "{q["id"]}": the prompt asks for one word but accepts '
                + ", ".join(f'"{a}"' for a in several),
            )


def _variety(questions: list[dict[str, Any]], out: _Findings) -> None:
    counts = {
        i: sum(1 for c in q["choices"] if c["correct"])
        for i, q in enumerate(questions)
        if q["type"] == "multiple"
    }
    if len(counts) >= 2 and len(set(counts.values())) == 1:
        (right,) = set(counts.values())
        first = ("questions", min(counts))
        out.add(
            first,
            f"every multiple-choice question has {right} right option"
            f"{'s' if right > 1 else ''}: vary the number across the quiz",
        )
    recalls = [i for i, q in enumerate(questions) if q.get("kind") == "recall"]
    for i in recalls[1:]:
        out.add(
            ("questions", i, "kind"),
            f'question "{questions[i]["id"]}": a second recall question in this module '
            f'(the first is "{questions[recalls[0]]["id"]}"); make it a scenario or application',
        )


def lint_quiz(parsed: ParsedModule) -> list[Problem]:
    """Item-writing warnings of the module's quiz (nothing when the quiz has errors)."""
    doc = parsed.quiz
    if doc is None or not parsed.valid.get("quiz"):
        return []
    out = _Findings(doc, parsed.file("quiz.yaml"))
    questions = doc.data["questions"]
    for i, q in enumerate(questions):
        _question(q, ("questions", i), out)
    _variety(questions, out)
    return out.items
