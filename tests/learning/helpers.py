"""Helpers to drive the learner pages over HTTP like a browser form would."""

from __future__ import annotations

import re
from typing import Any

from catalyst_training.learning.questions import question_type


def csrf(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def form_for(q: dict[str, Any], answer: Any) -> dict[str, Any]:
    """Form fields that send `answer` for question q."""
    qid = q["id"]
    if answer is None:
        return {}
    if q["type"] == "truefalse":
        return {f"q-{qid}": "true" if answer else "false"}
    if q["type"] == "ordering":
        return {f"q-{qid}-{i}": str(p) for i, p in answer["positions"].items()}
    if q["type"] == "matching":
        return {f"q-{qid}-{left}": right for left, right in answer["matches"].items()}
    return {f"q-{qid}": answer}


def right_answers(quiz) -> dict[str, Any]:
    """Fields answering every question correctly."""
    fields: dict[str, Any] = {}
    for q in quiz.questions:
        fields.update(form_for(q, question_type(q).correct_answer(q)))
    return fields


def wrong_answers(quiz) -> dict[str, Any]:
    """Fields answering every question wrongly (or leaving it blank)."""
    fields: dict[str, Any] = {}
    for q in quiz.questions:
        if q["type"] in ("single", "multiple"):
            wrong = [c["id"] for c in q["choices"] if not c.get("correct")]
            fields.update(form_for(q, wrong[0] if q["type"] == "single" else wrong[:1]))
        elif q["type"] == "truefalse":
            fields.update(form_for(q, not q["answer"]))
        elif q["type"] == "short_text":
            fields.update(form_for(q, "rien à voir"))
    return fields
