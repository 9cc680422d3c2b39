"""A learner's journey over HTTP through the test platform, and a mentor's decisions."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from catalyst_training.auth.models import User
from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.learning.models import Submission
from catalyst_training.learning.modules import current_module
from catalyst_training.mentoring import leases, review
from tests.delivery.helpers import SLUG
from tests.learning.helpers import csrf, right_answers
from tests.platform import TestPlatform


def launch(platform, role: str, sub: str) -> TestPlatform:
    """A browser session of `sub` launched into the module."""
    session = TestPlatform.session()
    result = platform.launch(session, role, user_id=sub, custom={"module": SLUG})
    assert result.response.status_code == 303, result.response.text
    session.base = platform.tool_base_url
    return session


def read_lessons(session) -> None:
    """Open every lesson of the module."""
    module, _version = current_module(SLUG)
    for lesson in module.lessons:
        assert session.get(f"{session.base}/learn/m/{SLUG}/lessons/{lesson.id}", timeout=10).ok


def pass_quiz(session) -> None:
    """Start the quiz and submit the right answers."""
    module, _version = current_module(SLUG)
    base = session.base + f"/learn/m/{SLUG}"
    page = session.get(f"{base}/quiz", timeout=10)
    resp = session.post(
        f"{base}/quiz/start",
        data={"csrf_token": csrf(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    attempt = session.base + urlsplit(resp.headers["Location"]).path
    page = session.get(attempt, timeout=10)
    data = {"csrf_token": csrf(page.text), "action": "submit", **right_answers(module.quiz)}
    assert session.post(attempt, data=data, allow_redirects=False, timeout=10).status_code == 303


def hand_in(session, text: str = "Mon territoire et ses acteurs") -> None:
    """Write and submit the assignment."""
    url = session.base + f"/learn/m/{SLUG}/assignment"
    page = session.get(url, timeout=10)
    data = {"csrf_token": csrf(page.text), "text": text, "submit": "1"}
    assert session.post(url, data=data, allow_redirects=False, timeout=10).status_code == 303


def mentor_decides(mentor_sub: str, learner_sub: str, decision: str, level: str) -> None:
    """The mentor takes the lease on the learner's latest submission and decides."""
    db.session.expire_all()
    mentor = db.session.scalars(select(User).filter_by(sub=mentor_sub)).one()
    learner = db.session.scalars(select(User).filter_by(sub=learner_sub)).one()
    sub = db.session.scalars(
        select(Submission).filter_by(user_id=learner.id).order_by(Submission.number.desc())
    ).first()
    now = utcnow()
    assert leases.claim(sub.id, mentor.id, now)
    module, _version = current_module(SLUG)
    draft = review.Draft(levels={"clarte": level}, comment="Relu.", reason="Citez vos partenaires.")
    review.decide(sub, module, mentor.id, decision, draft, now)
    db.session.commit()
