"""One statement builder per domain event: the same builders record events and replay history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ...core import events
from ...core.models import aware
from .statements import (
    Who,
    activity,
    agent,
    duration,
    iso,
    module_activity,
    module_and_title,
    response,
    statement,
)
from .vocabulary import INTERACTIONS, iri

Builder = Callable[[events.Event, Who, Any], list[dict]]
BUILDERS: dict[str, Builder] = {}


def builds(kind: str) -> Callable[[Builder], Builder]:
    """Register the statement builder of an event kind."""

    def register(fn: Builder) -> Builder:
        BUILDERS[kind] = fn
        return fn

    return register


def build(event: events.Event, who: Who, mentor: Any = None) -> list[dict]:
    """The statements recording `event` (none for a kind we do not record)."""
    builder = BUILDERS.get(event.kind)
    return builder(event, who, mentor) if builder is not None else []


@builds(events.LAUNCHED)
def _launched(event: events.Event, who: Who, _mentor: Any) -> list[dict]:
    slug = event.data.get("module_slug")
    obj = (
        module_activity(slug) if slug else activity("programme", ("programme",), _programme_name())
    )
    key = ("launched", event.data.get("launch_id") or f"{event.user_id}:{event.at.isoformat()}")
    return [statement(key, who, "launched", obj, event.at)]


def _programme_name() -> str:
    return "Formation des catalyseurs territoriaux"


@builds(events.LESSON_VIEWED)
def _lesson(event: events.Event, who: Who, _mentor: Any) -> list[dict]:
    view = event.subject
    module, _title = module_and_title(None, view.module_slug)
    lesson = module.lesson(view.lesson_id) if module is not None else None
    name = lesson.title if lesson is not None else view.lesson_id
    obj = activity("lesson", ("modules", view.module_slug, "lessons", view.lesson_id), name)
    at = view.first_viewed_at
    return [
        statement(
            ("lesson", view.id),
            who,
            "experienced",
            obj,
            at,
            parent=module_activity(view.module_slug),
        )
    ]


def _quiz(slug: str, title: str) -> dict:
    return activity("quiz", ("modules", slug, "quiz"), f"Quiz — {title}")


@builds(events.QUIZ_STARTED)
def _quiz_started(event: events.Event, who: Who, _mentor: Any) -> list[dict]:
    attempt = event.subject
    _module_obj, title = module_and_title(attempt.module_version_id, attempt.module_slug)
    obj = _quiz(attempt.module_slug, title)
    parent = module_activity(attempt.module_slug, title)
    result = {"extensions": {_ext("attempt-number"): attempt.number}}
    return [
        statement(
            ("quiz-start", attempt.id),
            who,
            "attempted",
            obj,
            attempt.started_at,
            parent=parent,
            result=result,
        )
    ]


def _ext(name: str) -> str:
    return iri("extensions", name)


@builds(events.QUIZ_SUBMITTED)
def _quiz_submitted(event: events.Event, who: Who, _mentor: Any) -> list[dict]:
    attempt = event.subject
    module, title = module_and_title(attempt.module_version_id, attempt.module_slug)
    quiz = _quiz(attempt.module_slug, title)
    at = attempt.submitted_at
    questions = {q["id"]: q for q in (module.quiz.questions if module and module.quiz else ())}
    results = attempt.results or {}
    found = []
    for qid in attempt.question_order or list(results):
        outcome = results.get(qid) or {}
        q = questions.get(qid) or {}
        obj = activity(
            "question",
            ("modules", attempt.module_slug, "quiz", "questions", qid),
            str(q.get("prompt") or q.get("text") or qid)[:500],
            interactionType=INTERACTIONS.get(str(q.get("type")), "other"),
        )
        found.append(
            statement(
                ("quiz-answer", attempt.id, qid),
                who,
                "answered",
                obj,
                at,
                parent=quiz,
                result={
                    "success": bool(outcome.get("correct")),
                    "response": response((attempt.answers or {}).get(qid)),
                    "score": {
                        "raw": outcome.get("points", 0),
                        "min": 0,
                        "max": outcome.get("max", 0),
                    },
                },
            )
        )
    maximum = attempt.max_points or 0
    result = {
        "score": {
            "scaled": round((attempt.points or 0) / maximum, 4) if maximum else 0,
            "raw": attempt.points or 0,
            "min": 0,
            "max": maximum,
        },
        "success": bool(attempt.passed),
        "completion": True,
        "duration": duration((aware(at) - aware(attempt.started_at)).total_seconds()),
        "extensions": {_ext("attempt-number"): attempt.number},
    }
    found.append(
        statement(
            ("quiz-done", attempt.id),
            who,
            "completed",
            quiz,
            at,
            parent=module_activity(attempt.module_slug, title),
            result=result,
        )
    )
    return found


def _assignment(slug: str, title: str) -> dict:
    return activity("assignment", ("modules", slug, "assignment"), f"Travail réflexif — {title}")


@builds(events.SUBMITTED)
def _submitted(event: events.Event, who: Who, _mentor: Any) -> list[dict]:
    sub = event.subject
    _m, title = module_and_title(sub.module_version_id, sub.module_slug)
    verb_key = "resubmitted" if sub.number > 1 else "submitted"
    result = {"completion": True, "extensions": {_ext("attempt-number"): sub.number}}
    return [
        statement(
            ("submission", sub.id),
            who,
            verb_key,
            _assignment(sub.module_slug, title),
            sub.submitted_at,
            parent=module_activity(sub.module_slug, title),
            result=result,
        )
    ]


@builds(events.DECIDED)
def _decided(event: events.Event, who: Who, mentor: Any) -> list[dict]:
    sub, decision = event.subject, event.data.get("decision")
    if decision not in ("approve", "return"):
        return []  # a comment changes no state: nothing for the LRS
    review = event.data.get("review")
    _m, title = module_and_title(sub.module_version_id, sub.module_slug)
    obj, parent = _assignment(sub.module_slug, title), module_activity(sub.module_slug, title)
    teacher = agent(mentor.issuer, mentor.sub) if mentor is not None else None
    at = sub.decided_at or event.at
    found = []
    points = getattr(review, "points", None)
    maximum = getattr(review, "max_points", None)
    if points is not None and maximum:
        score = {"scaled": round(points / maximum, 4), "raw": points, "min": 0, "max": maximum}
        found.append(
            statement(
                ("scored", sub.id),
                who,
                "scored",
                obj,
                at,
                parent=parent,
                result={"score": score},
                instructor=teacher,
            )
        )
    if decision == "approve":
        result: dict[str, Any] = {"success": True, "completion": True}
        found.append(
            statement(
                ("approved", sub.id),
                who,
                "approved",
                obj,
                at,
                parent=parent,
                result=result,
                instructor=teacher,
            )
        )
    else:
        result = {"success": False, "response": (sub.return_reason or "")[:2000]}
        if sub.due_at is not None:
            result["extensions"] = {_ext("due-at"): aware(sub.due_at).isoformat()}
        found.append(
            statement(
                ("returned", sub.id),
                who,
                "returned",
                obj,
                at,
                parent=parent,
                result=result,
                instructor=teacher,
            )
        )
    return found


@builds(events.MODULE_COMPLETED)
def _module_completed(event: events.Event, who: Who, _mentor: Any) -> list[dict]:
    row, slug = event.subject, event.data["slug"]
    at: datetime = getattr(row, "completed_at", None) or event.at
    result: dict[str, Any] = {"completion": True}
    if getattr(row, "score", None) is not None:
        result["score"] = {
            "scaled": round(row.score / 100, 4),
            "raw": row.score,
            "min": 0,
            "max": 100,
        }
    found = [
        statement(
            ("module", event.user_id, slug, iso(at)),
            who,
            "completed",
            module_activity(slug),
            at,
            result=result,
        )
    ]
    done = event.data.get("programme_done_at")
    if done is not None:
        found.append(
            statement(
                ("programme", event.user_id, iso(done)),
                who,
                "completed",
                activity("programme", ("programme",), _programme_name()),
                done,
                result={"completion": True},
            )
        )
    return found


@builds(events.PEER_ATTENDED)
def _attended(event: events.Event, who: Who, _mentor: Any) -> list[dict]:
    peer = event.subject
    name = f"Échange entre pairs ({peer.kind}, {peer.held_on.isoformat()})"
    obj = activity("peer_exchange", ("peer-exchanges", str(peer.id)), name)
    return [statement(("peer", peer.id, event.user_id), who, "attended", obj, event.at)]
