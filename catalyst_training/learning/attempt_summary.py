"""The summary of an attempt before it is handed in: which questions are answered, partly, or not.

A learner who hands in an attempt with questions left blank loses one of their attempts for
points they could still have earned: the summary lists them and the final submission asks for
an explicit confirmation (as Moodle's attempt summary does).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ANSWERED, PARTIAL, UNANSWERED = "answered", "partial", "unanswered"


def answer_state(question: Mapping[str, Any], answer: Any) -> str:
    """answered, partial (an ordering or matching left incomplete) or unanswered."""
    if answer is None or answer == "" or answer == []:
        return UNANSWERED
    if question["type"] == "ordering":
        given = len((answer or {}).get("positions", {}))
        return ANSWERED if given == len(question["items"]) else PARTIAL
    if question["type"] == "matching":
        given = len((answer or {}).get("matches", {}))
        return ANSWERED if given == len(question["pairs"]) else PARTIAL
    return ANSWERED


@dataclass(frozen=True)
class SummaryItem:
    """One question of the summary."""

    number: int
    question_id: str
    state: str


@dataclass(frozen=True)
class AttemptSummary:
    """The questions of an attempt in display order, with their state."""

    items: tuple[SummaryItem, ...]

    @property
    def unanswered(self) -> int:
        """Questions left blank."""
        return sum(1 for i in self.items if i.state == UNANSWERED)

    @property
    def partial(self) -> int:
        """Questions answered in part."""
        return sum(1 for i in self.items if i.state == PARTIAL)

    @property
    def needs_confirmation(self) -> bool:
        """True when handing in now would leave points on the table."""
        return bool(self.unanswered or self.partial)


def summarise(questions: Iterable[Mapping[str, Any]], answers: Mapping[str, Any]) -> AttemptSummary:
    """The summary of the given questions (in display order) for the saved answers."""
    return AttemptSummary(
        tuple(
            SummaryItem(n, q["id"], answer_state(q, (answers or {}).get(q["id"])))
            for n, q in enumerate(questions, 1)
        )
    )
