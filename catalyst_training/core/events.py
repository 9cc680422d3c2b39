"""Domain events: what just happened, told to higher layers that listen (learning records).

Lower domains (lti, learning, mentoring) `emit` an event from their services, in the same
transaction as the change it describes; higher domains `listen` from their init_app and record
what they need (an xAPI statement in the outbox, say) in that transaction too. So a change that
is rolled back leaves no record, and a committed one never lacks its record. Listeners run in
order of registration and must only flush, never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, current_app, has_app_context

EXTENSION = "catalyst_event_listeners"

LAUNCHED = "launched"  # subject: None; data: launch_id, role, context_pk, resource_link_pk
LESSON_VIEWED = "lesson_viewed"  # subject: LessonView (first view only)
QUIZ_STARTED = "quiz_started"  # subject: QuizAttempt
QUIZ_SUBMITTED = "quiz_submitted"  # subject: QuizAttempt (scored)
SUBMITTED = "submitted"  # subject: Submission (number > 1: a resubmission)
DECIDED = "decided"  # subject: Submission; actor: the mentor; data: decision, points, max_points
MODULE_COMPLETED = "module_completed"  # data: slug
PEER_ATTENDED = "peer_attended"  # subject: PeerSession
KINDS = (LAUNCHED, LESSON_VIEWED, QUIZ_STARTED, QUIZ_SUBMITTED, SUBMITTED, DECIDED,
         MODULE_COMPLETED, PEER_ATTENDED)  # fmt: skip


@dataclass(frozen=True)
class Event:
    """Something a person did (or had done to their work), with the row it left behind."""

    kind: str
    user_id: int
    at: datetime
    subject: Any = None
    actor_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


Listener = Callable[[Event], None]


def listen(app: Flask, name: str, listener: Listener) -> None:
    """Have `listener` called for every event emitted in `app` (replaces one of the same name)."""
    app.extensions.setdefault(EXTENSION, {})[name] = listener


def emit(kind: str, user_id: int, at: datetime, subject: Any = None, *,
         actor_id: int | None = None, **data: Any) -> None:  # fmt: skip
    """Tell every listener of the current app what happened (nothing without listeners)."""
    if not has_app_context():
        return
    listeners = current_app.extensions.get(EXTENSION) or {}
    if not listeners:
        return
    event = Event(kind, user_id, at, subject, actor_id, data)
    for listener in list(listeners.values()):
        listener(event)
