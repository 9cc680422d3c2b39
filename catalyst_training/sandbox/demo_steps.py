"""What demo people do, through the same services as real use, at explicit past dates."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from io import BytesIO
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict

from ..auth.models import User
from ..extensions import db
from ..learning import assignments, progress, services
from ..learning.models import Submission
from ..learning.questions import field_name, question_type
from ..lti.launch import CLAIM
from ..lti.models import Platform
from ..lti.services import AGS_CLAIM, record_launch
from ..mentoring import leases, review
from .demo_data import ATTACHMENT_NAME, ATTACHMENT_PDF, ATTACHMENT_TEXT, FEEDBACK
from .services import AGS_SCOPES, CONTEXT_ID, CONTEXT_TITLE, DEPLOYMENT_ID


def launch(
    platform: Platform,
    person: tuple[str, str, str],
    role_uri: str,
    base_url: str,
    *,
    cohort: str | None = None,
    module: str | None = None,
) -> User:
    """Record the launch the sandbox would send for this person (user, course run, placement)."""
    sub, given, family = person
    link_id = f"sandbox-{module}" if module else "sandbox-programme"
    lineitems = f"{base_url}/sandbox/ags/{CONTEXT_ID}/lineitems"
    claims: dict[str, Any] = {
        "sub": sub,
        "name": f"{given} {family}",
        "given_name": given,
        "family_name": family,
        "email": f"{sub}@sandbox.catalyst-training.invalid",
        "locale": "fr",
        CLAIM + "deployment_id": DEPLOYMENT_ID,
        CLAIM + "roles": [role_uri],
        CLAIM + "context": {"id": CONTEXT_ID, "label": "CATALYST-DEMO", "title": CONTEXT_TITLE},
        CLAIM + "resource_link": {"id": link_id, "title": module or CONTEXT_TITLE},
        AGS_CLAIM: {
            "scope": list(AGS_SCOPES),
            "lineitems": lineitems,
            "lineitem": f"{lineitems}/{link_id}",
        },
    }
    custom = {k: v for k, v in (("cohort", cohort), ("module", module)) if v}
    if custom:
        claims[CLAIM + "custom"] = custom
    acting = record_launch(platform, claims, launch_id=f"demo-seed-{sub}")
    return db.session.get(User, acting.user_id)


def view_lessons(user_id: int, module, when: datetime, count: int | None = None) -> None:
    """Open the module's first `count` lessons (all by default), a few minutes apart."""
    for i, lesson in enumerate(module.lessons[:count]):
        services.record_lesson_view(
            user_id, module.slug, lesson.id, when + timedelta(minutes=9 * i)
        )
    progress.evaluate(user_id, module, when + timedelta(minutes=9 * len(module.lessons)))


def quiz_form(quiz, share: float) -> MultiDict:
    """A quiz form answering the first `share` of the questions right and leaving the rest."""
    form: MultiDict = MultiDict()
    right = math.ceil(share * len(quiz.questions))
    for q in quiz.questions[:right]:
        answer = question_type(q).correct_answer(q)
        if q["type"] == "multiple":
            for value in answer:
                form.add(field_name(q["id"]), value)
        elif q["type"] == "truefalse":
            form[field_name(q["id"])] = "true" if answer else "false"
        elif q["type"] in ("ordering", "matching"):
            for key, value in next(iter(answer.values())).items():
                form[field_name(q["id"], key)] = str(value)
        else:
            form[field_name(q["id"])] = answer
    return form


def take_quiz(user_id: int, module, version_id: int, when: datetime, shares: list[float]) -> bool:
    """One attempt per share (a day apart), stopping once passed; True when passed."""
    quiz = module.quiz
    if quiz is None:
        return True
    passed = False
    for day, share in enumerate(shares):
        start = when + timedelta(days=day)
        try:
            attempt = services.start_attempt(user_id, module.slug, version_id, quiz, start)
        except services.QuizError:
            break  # no attempt left
        services.submit_attempt(
            attempt, quiz, quiz_form(quiz, share), start + timedelta(minutes=18)
        )
        progress.evaluate(user_id, module, start + timedelta(minutes=18))
        passed = bool(attempt.passed)
        if passed:
            break
    return passed


def hand_in(
    user_id: int, module, version_id: int, when: datetime, text: str, attach: bool = False
) -> Submission | None:
    """Write and submit the module's assignment (with a small attachment when asked)."""
    if module.assignment is None:
        return None
    draft = assignments.editable_draft(user_id, module.slug, version_id)
    assignments.save_draft(draft, text, when)
    types = [t.lower() for t in module.assignment.attachment.get("types", [])]
    if attach and module.assignment.attachment.get("allowed") and {"pdf", "txt"} & set(types):
        name, data = (
            (ATTACHMENT_NAME, ATTACHMENT_PDF)
            if "pdf" in types
            else (ATTACHMENT_NAME.replace(".pdf", ".txt"), ATTACHMENT_TEXT)
        )
        upload = FileStorage(BytesIO(data), filename=name)
        assignments.attach(draft, upload, module.assignment, assignments.upload_folder())
    assignments.submit(draft, when + timedelta(minutes=30))
    progress.evaluate(user_id, module, when + timedelta(minutes=30))
    return draft


def decide(
    sub: Submission, module, mentor_id: int, when: datetime, decision: str, comment: str
) -> None:
    """The mentor takes the grading lease, scores the rubric and approves or returns."""
    rubric = module.assignment.rubric
    if decision == "approve":
        levels = {c.id: c.levels[-1 - (sub.user_id % 2 if len(c.levels) > 1 else 0)].id
                  for c in rubric}  # fmt: skip
        reason = ""
    else:
        levels = {c.id: c.levels[0].id for c in rubric}
        reason = comment
    if not leases.claim(sub.id, mentor_id, when):
        return
    draft = review.Draft(levels=levels, comment=comment, reason=reason)
    review.decide(sub, module, mentor_id, decision, draft, when)


def complete_module(
    user_id: int, mentor_id: int, module, version_id: int, when: datetime, text: str
) -> None:
    """Lessons, a passed quiz, the work submitted then approved: the module done in 4 days."""
    view_lessons(user_id, module, when)
    take_quiz(user_id, module, version_id, when + timedelta(days=1), [0.8, 1.0, 1.0])
    sub = hand_in(user_id, module, version_id, when + timedelta(days=2), text)
    if sub is not None:
        decide(sub, module, mentor_id, when + timedelta(days=4), "approve", FEEDBACK)
