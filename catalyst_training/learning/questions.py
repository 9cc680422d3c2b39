"""Question types: one class per type in a registry; scoring happens here, on the server only.

Partial credit rules (stated to learners on the quiz page):
- multiple choice: (right choices ticked - wrong choices ticked) / right choices, never below 0;
- ordering: share of items in their right position;
- matching: share of pairs matched correctly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from werkzeug.datastructures import MultiDict


class InvalidAnswer(ValueError):
    """An answer that no honest form could send (unknown choice id, wrong shape)."""


@dataclass(frozen=True)
class Outcome:
    """The score of one answer."""

    points: float
    max_points: float
    correct: bool
    partial: bool = False


def field_name(qid: str, sub: str | None = None) -> str:
    """Form field name of a question (or of one of its items)."""
    return f"q-{qid}" if sub is None else f"q-{qid}-{sub}"


def normalise_text(value: str) -> str:
    """Compare short answers without case, accents, punctuation or extra spaces."""
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c)).casefold()
    value = re.sub(r"[’'`\"«».,;:!?()\[\]-]", " ", value)
    return " ".join(value.split())


class QuestionType:
    """Base class: parse a form into a JSON-able answer, score it, explain it."""

    name: ClassVar[str]
    shuffles: ClassVar[bool] = False

    def points(self, q: Mapping[str, Any]) -> float:
        """Maximum points of the question."""
        return float(q.get("points", 1))

    def shuffle_ids(self, q: Mapping[str, Any]) -> list[str]:
        """Ids whose display order may be shuffled (choices, items, right-hand options)."""
        return []

    def parse(self, q: Mapping[str, Any], form: MultiDict) -> Any:
        """The answer sent for this question, or None when left blank."""
        raise NotImplementedError

    def score(self, q: Mapping[str, Any], answer: Any) -> Outcome:
        """Points for an answer (None scores 0)."""
        raise NotImplementedError

    def feedback(self, q: Mapping[str, Any], answer: Any) -> list[dict[str, str]]:
        """Feedback texts (with their lesson ref) for this answer."""
        fb = q.get("feedback") or {}
        key = "correct" if answer is not None and self.score(q, answer).correct else "incorrect"
        text = fb.get(key) if isinstance(fb, Mapping) else None
        return [{"text": text, "ref": q.get("ref", "")}] if text else []

    def correct_answer(self, q: Mapping[str, Any]) -> Any:
        """The expected answer, in the same shape as parse() returns."""
        raise NotImplementedError


class ChoiceQuestion(QuestionType):
    """Shared by single and multiple choice."""

    shuffles = True

    def shuffle_ids(self, q):
        """Choice ids."""
        return [c["id"] for c in q["choices"]]

    def _ids(self, q) -> set[str]:
        return {c["id"] for c in q["choices"]}

    def _right(self, q) -> set[str]:
        return {c["id"] for c in q["choices"] if c.get("correct")}

    def feedback(self, q, answer):
        """The feedback of every choice the learner ticked."""
        chosen = set(answer or []) if isinstance(answer, list) else {answer}
        return [
            {"text": c.get("feedback", ""), "ref": c.get("ref", ""), "choice": c["id"]}
            for c in q["choices"]
            if c["id"] in chosen and c.get("feedback")
        ]


class SingleChoice(ChoiceQuestion):
    """Exactly one right choice."""

    name = "single"

    def parse(self, q, form):
        """The chosen id."""
        value = form.get(field_name(q["id"]))
        if value in (None, ""):
            return None
        if value not in self._ids(q):
            raise InvalidAnswer(f"{q['id']}: unknown choice {value!r}")
        return value

    def score(self, q, answer):
        """All or nothing."""
        ok = answer is not None and answer in self._right(q)
        return Outcome(self.points(q) if ok else 0.0, self.points(q), ok)

    def correct_answer(self, q):
        """The right choice id."""
        return next(iter(self._right(q)))


class MultipleChoice(ChoiceQuestion):
    """One or more right choices, partial credit."""

    name = "multiple"

    def parse(self, q, form):
        """The ticked ids, in choice order."""
        values = [v for v in form.getlist(field_name(q["id"])) if v != ""]
        if not values:
            return None
        unknown = set(values) - self._ids(q)
        if unknown:
            raise InvalidAnswer(f"{q['id']}: unknown choice {sorted(unknown)!r}")
        return [c["id"] for c in q["choices"] if c["id"] in set(values)]

    def score(self, q, answer):
        """(right ticked - wrong ticked) / right, floored at 0."""
        right = self._right(q)
        chosen = set(answer or [])
        share = max(0.0, (len(chosen & right) - len(chosen - right)) / len(right)) if right else 0
        points = round(self.points(q) * share, 4)
        return Outcome(points, self.points(q), chosen == right, 0 < share < 1)

    def correct_answer(self, q):
        """Every right choice id."""
        return [c["id"] for c in q["choices"] if c.get("correct")]


class TrueFalse(QuestionType):
    """A statement to judge."""

    name = "truefalse"

    def parse(self, q, form):
        """True, False or None."""
        value = form.get(field_name(q["id"]))
        if value in (None, ""):
            return None
        if value not in ("true", "false"):
            raise InvalidAnswer(f"{q['id']}: {value!r} is neither true nor false")
        return value == "true"

    def score(self, q, answer):
        """All or nothing."""
        ok = answer is not None and answer == bool(q["answer"])
        return Outcome(self.points(q) if ok else 0.0, self.points(q), ok)

    def feedback(self, q, answer):
        """The feedback written for the learner's side."""
        if answer is None:
            return []
        fb = q.get("feedback") or {}
        text = fb.get("true" if answer else "false") or fb.get(answer)
        return [{"text": text, "ref": q.get("ref", "")}] if text else []

    def correct_answer(self, q):
        """The expected boolean."""
        return bool(q["answer"])


class ShortText(QuestionType):
    """A few words compared with the accepted answers, normalised."""

    name = "short_text"

    def parse(self, q, form):
        """The text typed (trimmed, at most 500 characters)."""
        value = (form.get(field_name(q["id"])) or "").strip()
        if len(value) > 500:
            raise InvalidAnswer(f"{q['id']}: answer too long")
        return value or None

    def score(self, q, answer):
        """Right when the normalised answer is one of the accepted ones."""
        accepted = {normalise_text(a) for a in q["accepted"]}
        ok = answer is not None and normalise_text(answer) in accepted
        return Outcome(self.points(q) if ok else 0.0, self.points(q), ok)

    def correct_answer(self, q):
        """The first accepted answer."""
        return q["accepted"][0]


class Ordering(QuestionType):
    """Put items in order by giving each a position (no drag and drop needed)."""

    name = "ordering"
    shuffles = True

    def shuffle_ids(self, q):
        """Item ids."""
        return [i["id"] for i in q["items"]]

    def parse(self, q, form):
        """Item ids sorted by the positions chosen; None when nothing was chosen."""
        n = len(q["items"])
        positions: dict[str, int] = {}
        for item in q["items"]:
            raw = form.get(field_name(q["id"], item["id"]), "")
            if raw == "":
                continue
            if not raw.isdigit() or not 1 <= int(raw) <= n:
                raise InvalidAnswer(f"{q['id']}: bad position {raw!r}")
            positions[item["id"]] = int(raw)
        if not positions:
            return None
        return {"positions": positions}

    def score(self, q, answer):
        """Share of items at their right position."""
        positions = (answer or {}).get("positions", {})
        right = sum(1 for i, item in enumerate(q["items"], 1) if positions.get(item["id"]) == i)
        share = right / len(q["items"])
        return Outcome(round(self.points(q) * share, 4), self.points(q), share == 1, 0 < share < 1)

    def correct_answer(self, q):
        """Each item at its position."""
        return {"positions": {item["id"]: i for i, item in enumerate(q["items"], 1)}}


class Matching(QuestionType):
    """Match each left-hand item with a right-hand option from a list."""

    name = "matching"
    shuffles = True

    def shuffle_ids(self, q):
        """Ids of the right-hand options (the pair ids)."""
        return [p["id"] for p in q["pairs"]]

    def parse(self, q, form):
        """{left pair id: chosen right pair id}; None when nothing was chosen."""
        ids = {p["id"] for p in q["pairs"]}
        chosen: dict[str, str] = {}
        for pair in q["pairs"]:
            value = form.get(field_name(q["id"], pair["id"]), "")
            if value == "":
                continue
            if value not in ids:
                raise InvalidAnswer(f"{q['id']}: unknown option {value!r}")
            chosen[pair["id"]] = value
        return {"matches": chosen} if chosen else None

    def score(self, q, answer):
        """Share of right matches."""
        matches = (answer or {}).get("matches", {})
        right = sum(1 for p in q["pairs"] if matches.get(p["id"]) == p["id"])
        share = right / len(q["pairs"])
        return Outcome(round(self.points(q) * share, 4), self.points(q), share == 1, 0 < share < 1)

    def correct_answer(self, q):
        """Each pair matched with itself."""
        return {"matches": {p["id"]: p["id"] for p in q["pairs"]}}


REGISTRY: dict[str, QuestionType] = {
    cls.name: cls()
    for cls in (SingleChoice, MultipleChoice, TrueFalse, ShortText, Ordering, Matching)
}


def question_type(q: Mapping[str, Any]) -> QuestionType:
    """The handler of a question's type."""
    try:
        return REGISTRY[q["type"]]
    except KeyError as exc:
        raise InvalidAnswer(f"unknown question type {q.get('type')!r}") from exc
