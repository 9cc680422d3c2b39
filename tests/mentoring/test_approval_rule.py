"""The assignment's approval rule on the review page: shown in words, applied as the default
decision (a default, not a lock), with the mentor guide beside the rubric."""

from __future__ import annotations

import html

import pytest
from markupsafe import Markup
from sqlalchemy import select

from catalyst_training.content.objects import Approval, Assignment, Criterion, Level
from catalyst_training.extensions import db
from catalyst_training.learning.models import ScoreEvent, Submission
from catalyst_training.mentoring import review
from catalyst_training.mentoring.models import AuditEntry
from tests.mentoring.helpers import csrf_token, login, submit_work


def _criterion(cid: str, points: tuple[float, ...]) -> Criterion:
    levels = tuple(Level(f"n{i}", f"Niveau {i}", p, "…") for i, p in enumerate(points))
    return Criterion(cid, cid.capitalize(), "", levels)


def _assignment(min_share: float, no_lowest: bool) -> Assignment:
    rubric = (
        _criterion("acteurs", (0, 2, 4)),
        _criterion("enjeux", (0, 1, 2, 3)),
        _criterion("liens", (1, 2, 3)),
    )
    return Assignment(
        title="T", prompt="", prompt_html=Markup(""), guidance="", guidance_html=Markup(""),
        requires_approval=True, attachment={}, rubric=rubric,
        approval=Approval(min_share, no_lowest, rubric),
    )  # fmt: skip


# (levels of acteurs/enjeux/liens, min_share, no_lowest_level) -> decision, lowest criteria.
# Max points 4 + 3 + 3 = 10.
CASES = [
    (("n2", "n3", "n2"), 0.6, True, "approve", ()),  # 9 / 10
    (("n1", "n2", "n1"), 0.6, True, "approve", ()),  # 6 / 10: exactly the share
    (("n1", "n1", "n1"), 0.6, True, "return", ()),  # 5 / 10: below the share
    (("n2", "n0", "n2"), 0.6, True, "return", ("Enjeux",)),  # 9 / 10 but a lowest level
    (("n0", "n0", "n2"), 0.6, True, "return", ("Acteurs", "Enjeux")),
    (("n2", "n0", "n2"), 0.6, False, "approve", ("Enjeux",)),  # the lowest level allowed
    (("n0", "n1", "n0"), 0.2, True, "return", ("Acteurs", "Liens")),  # liens' lowest is 1 pt
    (("n2", "n3", "n0"), 1.0, False, "return", ("Liens",)),  # 8 / 10 < 100 %
    (("n2", "n3", "n2"), 1.0, True, "approve", ()),  # 10 / 10
    (("n2", None, "n2"), 0.1, False, None, ()),  # incomplete: no suggestion yet
]


@pytest.mark.parametrize(("chosen", "share", "no_lowest", "decision", "lowest"), CASES)
def test_the_suggested_decision_follows_the_rule(chosen, share, no_lowest, decision, lowest):
    assignment = _assignment(share, no_lowest)
    levels = {c.id: lv for c, lv in zip(assignment.rubric, chosen, strict=True) if lv}
    found = review.suggest(assignment, levels)
    assert found is not None
    assert found.decision == decision
    assert found.lowest == lowest
    if decision is not None:
        assert (decision == "approve") == assignment.approval.decides(levels)


def _open(client, world, sub):
    login(client, world.mentor_a, "mentor", world.context.id)
    page = client.get(f"/mentor/submissions/{sub.id}")
    assert page.status_code == 200
    return html.unescape(page.get_data(as_text=True))


def _post(client, sub, **form):
    data = {"csrf_token": csrf_token(client), **form}
    return client.post(f"/mentor/submissions/{sub.id}", data=data)


def test_the_mentor_sees_the_rule_and_the_guide(client, world):
    sub = submit_work(world.learner_a.id)
    text = _open(client, world, sub)
    assert (
        "Validation : au moins 50\u00a0% des points et aucun critère au niveau le plus bas." in text
    )
    assert "Guide du mentor" in text and "<details" in text
    assert "Vérifiez d’abord que le texte nomme le territoire." in text
    assert "Exemple réussi" in text and "Notre communauté de communes compte 12 communes." in text
    assert "Exemple faible" in text and "Clarté : niveau insuffisant" in text
    assert 'src="/static/js/approval-rule.js"' in text
    # Nothing scored yet: no default decision.
    assert "Suggestion : choisissez un niveau pour chaque critère." in text
    assert 'value="approve" checked' not in text and 'value="return" checked' not in text


@pytest.mark.parametrize(
    ("level", "suggested", "why"),
    [
        ("insuffisant", "return", "le critère « Clarté » est au niveau le plus bas"),
        ("correct", "approve", "Suggestion : valider — 1 / 2 points (50\u00a0%)."),
        ("excellent", "approve", "Suggestion : valider — 2 / 2 points (100\u00a0%)."),
    ],
)
def test_a_saved_draft_shows_its_default_decision(client, world, level, suggested, why):
    sub = submit_work(world.learner_a.id)
    _open(client, world, sub)
    assert _post(client, sub, action="save", **{"level-clarte": level}).status_code == 302
    text = _open(client, world, sub)
    assert why in text
    assert f'id="decision-{suggested}" name="decision" value="{suggested}" checked' in text


def _decided(sub_id: int) -> tuple[Submission, AuditEntry]:
    db.session.expire_all()
    sub = db.session.get(Submission, sub_id)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.target == f"submission:{sub_id}")
    ).one()
    return sub, entry


@pytest.mark.parametrize(
    ("level", "state", "action"),
    [("insuffisant", "returned", "grade.return"), ("correct", "approved", "grade.approve"),
     ("excellent", "approved", "grade.approve")],
)  # fmt: skip
def test_posting_without_a_decision_applies_the_rule(client, world, level, state, action):
    sub = submit_work(world.learner_a.id)
    _open(client, world, sub)
    resp = _post(client, sub, action="decide", reason="À reprendre.", **{"level-clarte": level})
    assert resp.status_code == 302
    decided, entry = _decided(sub.id)
    assert decided.state == state and entry.action == action
    assert entry.details["followed_rule"] is True
    assert entry.details["rule_decision"] == action.removeprefix("grade.")


def test_the_mentor_may_decide_otherwise_and_it_is_recorded(client, world):
    sub = submit_work(world.learner_a.id)
    _open(client, world, sub)
    resp = _post(client, sub, action="decide", decision="return", reason="Citez les acteurs.",
                 **{"level-clarte": "excellent"})  # fmt: skip
    assert resp.status_code == 302
    decided, entry = _decided(sub.id)
    assert decided.state == "returned" and decided.return_reason == "Citez les acteurs."
    assert entry.details == {**entry.details, "rule_decision": "approve", "followed_rule": False}


def test_an_approval_still_reaches_the_grades(client, world):
    sub = submit_work(world.learner_a.id)
    _open(client, world, sub)
    assert _post(client, sub, action="decide", **{"level-clarte": "correct"}).status_code == 302
    decided, _entry = _decided(sub.id)
    assert decided.state == "approved" and decided.score_percent == 50.0
    events = db.session.scalars(
        select(ScoreEvent).filter_by(user_id=world.learner_a.id).order_by(ScoreEvent.id)
    ).all()
    assert events and events[-1].grading_progress in {"FullyGraded", "Pending", "PendingManual"}


def test_no_level_and_no_decision_is_refused_with_the_reason(client, world):
    sub = submit_work(world.learner_a.id)
    _open(client, world, sub)
    resp = _post(client, sub, action="decide")
    assert resp.status_code == 409
    assert "Choisissez un niveau pour chaque critère" in html.unescape(resp.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Submission, sub.id).state == "submitted"


def test_the_explicit_buttons_of_before_still_decide(client, world):
    sub = submit_work(world.learner_a.id)
    _open(client, world, sub)
    resp = _post(client, sub, action="approve", **{"level-clarte": "insuffisant"})
    assert resp.status_code == 302
    decided, entry = _decided(sub.id)
    assert decided.state == "approved" and entry.details["followed_rule"] is False
