"""The parts of a statement: actor, activities, context, timestamps, responses.

Everything here is a pure function of its arguments (and the base URL), so a statement recorded
when its event happens and the same one rebuilt later from the history are identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...core.models import aware
from ...learning.modules import current_module, module_for_version
from .vocabulary import activity_type, iri, statement_id, verb


@dataclass(frozen=True)
class Who:
    """The learner as the LRS sees them, and the course run their statements belong to."""

    user_id: int
    issuer: str
    sub: str
    email: str | None = None  # only set when the LRS may receive emails
    platform_pk: int | None = None
    context_pk: int | None = None
    context_ref: str | None = None  # the platform's course id
    context_title: str | None = None
    cohort_pk: int | None = None
    cohort_name: str | None = None


def agent(issuer: str, sub: str, email: str | None = None, name: str | None = None) -> dict:
    """An Agent: the platform account (homePage = issuer, name = sub), or mbox when allowed."""
    if email:
        found: dict[str, Any] = {"objectType": "Agent", "mbox": f"mailto:{email}"}
    else:
        found = {"objectType": "Agent", "account": {"homePage": issuer, "name": sub}}
    if name:
        found["name"] = name
    return found


def activity(kind: str, parts: tuple[str, ...], name: str, **definition: Any) -> dict:
    """An Activity of the programme, its id under <base>/xapi/."""
    return {
        "objectType": "Activity",
        "id": iri(*parts),
        "definition": {"type": activity_type(kind), "name": {"fr-FR": name}, **definition},
    }


def _programme() -> dict:
    return activity("programme", ("programme",), "Formation des catalyseurs territoriaux")


def module_activity(slug: str, title: str | None = None) -> dict:
    """The Activity of a module (its current title unless given)."""
    if title is None:
        module, _version = current_module(slug)
        title = module.title if module is not None else slug
    return activity("module", ("modules", slug), title)


def module_and_title(version_id: int | None, slug: str) -> tuple[Any, str]:
    """The module as it was on `version_id` (else as it is now) and its title."""
    module = module_for_version(version_id) if version_id else None
    module = module or current_module(slug)[0]
    return module, (module.title if module is not None else slug)


def iso(value: datetime) -> str:
    """An xAPI timestamp (UTC, milliseconds) — stable, so a rebuilt statement is identical."""
    value = aware(value)
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(seconds: float) -> str:
    """An ISO 8601 duration."""
    return f"PT{max(0.0, round(seconds, 2)):g}S"


def _context(who: Who, parent: dict | None, instructor: dict | None = None) -> dict:
    grouping = [_programme()]
    if who.context_pk is not None:
        grouping.append(
            activity(
                "course_run",
                ("course-runs", str(who.platform_pk), who.context_ref or ""),
                who.context_title or who.context_ref or "",
            )
        )
    if who.cohort_pk is not None:
        grouping.append(activity("cohort", ("cohorts", str(who.cohort_pk)), who.cohort_name or ""))
    found: dict[str, Any] = {
        "platform": "catalyst-training",
        "language": "fr-FR",
        "contextActivities": {"grouping": grouping, **({"parent": [parent]} if parent else {})},
    }
    if who.context_pk is not None:
        found["registration"] = statement_id("registration", who.user_id, who.context_pk)
    if instructor is not None:
        found["instructor"] = instructor
    return found


def statement(
    key: tuple,
    who: Who,
    verb_key: str,
    obj: dict,
    at: datetime,
    *,
    parent: dict | None = None,
    result: dict | None = None,
    instructor: dict | None = None,
) -> dict:
    """One statement, its id derived from `key`."""
    found = {
        "id": statement_id(*key),
        "actor": agent(who.issuer, who.sub, who.email),
        "verb": verb(verb_key),
        "object": obj,
        "context": _context(who, parent, instructor),
        "timestamp": iso(at),
    }
    if result is not None:
        found["result"] = result
    return found


def response(answer: Any) -> str:
    """An answer in xAPI's response format ([,] between items, [.] inside a pair)."""
    if answer is None:
        return ""
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, list | tuple | set):
        return "[,]".join(str(a) for a in (sorted(answer) if isinstance(answer, set) else answer))
    if isinstance(answer, dict) and "positions" in answer:
        return "[,]".join(k for k, _ in sorted(answer["positions"].items(), key=lambda kv: kv[1]))
    if isinstance(answer, dict) and "matches" in answer:
        return "[,]".join(f"{k}[.]{v}" for k, v in sorted(answer["matches"].items()))
    return str(answer)
