"""The words of our statements: verbs and activity types, from the registries where they exist.

ADL's registry (adlnet.gov/expapi) and the TinCan registry (id.tincanapi.com, activitystrea.ms)
name most of what a learner does; the programme's own IRIs (under the tool's base URL) name the
rest: a resubmission, a mentor's return or approval seen from the learner's side, and the
programme's own activity kinds. The README's table lists each event with its verb and type.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

from flask import current_app, has_request_context, request

ADL_VERB = "http://adlnet.gov/expapi/verbs/"
ADL_TYPE = "http://adlnet.gov/expapi/activities/"

# key -> (IRI or path under <base>/xapi/verbs/, English display, French display)
VERBS: dict[str, tuple[str, str, str]] = {
    "launched": (ADL_VERB + "launched", "launched", "a lancé"),
    "experienced": (ADL_VERB + "experienced", "experienced", "a consulté"),
    "attempted": (ADL_VERB + "attempted", "attempted", "a commencé"),
    "answered": (ADL_VERB + "answered", "answered", "a répondu à"),
    "completed": (ADL_VERB + "completed", "completed", "a terminé"),
    "submitted": ("http://activitystrea.ms/schema/1.0/submit", "submitted", "a remis"),
    "resubmitted": ("resubmitted", "resubmitted", "a remis à nouveau"),
    "scored": (ADL_VERB + "scored", "scored", "a obtenu une note à"),
    "returned": (
        "returned",
        "was asked by a mentor to revise",
        "a reçu d'un mentor une demande de reprise pour",
    ),
    "approved": ("approved", "had approved by a mentor", "a fait valider par un mentor"),
    "attended": (ADL_VERB + "attended", "attended", "a participé à"),
}

# key -> IRI or path under <base>/xapi/activity-types/
TYPES: dict[str, str] = {
    "programme": ADL_TYPE + "course",
    "course_run": ADL_TYPE + "course",
    "module": ADL_TYPE + "module",
    "lesson": ADL_TYPE + "lesson",
    "quiz": ADL_TYPE + "assessment",
    "question": ADL_TYPE + "cmi.interaction",
    "assignment": "assignment",  # a reflective work reviewed by a mentor: no registry type
    "peer_exchange": "http://id.tincanapi.com/activitytype/meeting",
    "cohort": "cohort",
}

# Question types of the programme -> xAPI interactionType
INTERACTIONS = {
    "single": "choice",
    "multiple": "choice",
    "true_false": "true-false",
    "short_text": "fill-in",
    "ordering": "sequencing",
    "matching": "matching",
}


def base_url() -> str:
    """The tool's public base URL: BASE_URL, else this request's host (development)."""
    base = current_app.config.get("BASE_URL")
    if not base and has_request_context():
        base = request.host_url
    return str(base or "http://localhost").rstrip("/")


def iri(*parts: str) -> str:
    """An IRI of the programme's own under <base>/xapi/ (each part URL-quoted)."""
    return "/".join([base_url(), "xapi", *(quote(str(p), safe="") for p in parts)])


def _own(value: str, folder: str) -> str:
    return value if value.startswith("http") else iri(folder, value)


def verb(key: str) -> dict:
    """The statement's verb object for `key`."""
    target, en, fr = VERBS[key]
    return {"id": _own(target, "verbs"), "display": {"en-US": en, "fr-FR": fr}}


def activity_type(key: str) -> str:
    """The activity type IRI for `key`."""
    return _own(TYPES[key], "activity-types")


def namespace() -> uuid.UUID:
    """The uuid5 namespace of this deployment's statement ids (two tools never collide)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, base_url() + "/xapi/statements")


def statement_id(*key: object) -> str:
    """The id of the statement recording `key` (the same event always gives the same id)."""
    return str(uuid.uuid5(namespace(), "|".join(str(k) for k in key)))
