"""The public verification page, opened on its own (no iframe, no session): axe-core clean."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from .test_accessibility import axe_violations

FACTS = {
    "programme": "Formation des catalyseurs territoriaux",
    "issuer": "catalyst-training",
    "minutes": 560,
    "course_run": "Session de démonstration",
    "cohort": "Cohorte Creuse – Guéret",
    "territory": {"name": "Guéret", "code": "23096", "region": "Nouvelle-Aquitaine"},
    "modules": [
        {"slug": "m1", "title": "Territoire et alliances", "order": 1, "minutes": 90,
         "completed_at": "2026-11-02T10:00:00+00:00", "score": 88.0},
    ],
}  # fmt: skip


def add_certificates(app) -> tuple[str, str]:
    """A valid and a revoked certificate (no holder account needed to verify them)."""
    from catalyst_training.credentials.models import Certificate
    from catalyst_training.extensions import db

    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with app.app_context():
        valid = Certificate(code="e2e-valid-certificate-01", learner_name="Léa Martin",
                            facts=FACTS, issued_at=now)  # fmt: skip
        revoked = Certificate(code="e2e-revoked-certificate-01", learner_name="Hugo Bernard",
                              facts=FACTS, issued_at=now, revoked_at=now,
                              revoked_reason="Délivré par erreur")  # fmt: skip
        db.session.add_all([valid, revoked])
        db.session.commit()
        return valid.code, revoked.code


def add_badges(app) -> tuple[str, str]:
    """A valid and a revoked module badge without a certificate (their UUIDs)."""
    from catalyst_training.auth.models import User
    from catalyst_training.credentials import awards, badges
    from catalyst_training.extensions import db

    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with app.test_request_context():
        holder = User(sub="e2e-badge-holder")  # a local account: no platform needed
        db.session.add(holder)
        db.session.flush()
        found = [
            badges.issue(holder, "module", FACTS, None, f"{holder.id}:module:{n}", now)
            for n in ("a", "b")
        ]
        awards.revoke(found[1], None, "Délivré par erreur", now)
        db.session.commit()
        return found[0].uuid, found[1].uuid


@pytest.mark.browser
def test_verification_pages_are_accessible_standalone(page, demo_server):
    valid, revoked = add_certificates(demo_server.app)
    badge, withdrawn = add_badges(demo_server.app)
    problems = {}
    for code, expected in (
        (valid, "Ce certificat est valide"),
        (revoked, "a été retiré"),
        (badge, "Signature vérifiée"),
        (withdrawn, "Ce badge a été retiré le"),
    ):
        page.goto(f"{demo_server.tool_origin}/verify/{code}")
        assert expected in page.inner_text("main")
        problems[code] = axe_violations(page)
    page.goto(f"{demo_server.tool_origin}/verify/unknown-code-000000000")
    assert not any(problems.values()), problems


@pytest.mark.browser
def test_the_received_badge_form_and_its_results_are_accessible(page, demo_server):
    from catalyst_training.credentials import badges

    badge, _withdrawn = add_badges(demo_server.app)
    with demo_server.app.app_context():
        token = badges.by_uuid(badge).jwt
    page.goto(f"{demo_server.tool_origin}/verify/{badge}")
    page.get_by_role("link", name="Vérifier un badge reçu (image PNG ou texte JWT)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Vérifier un badge reçu"
    problems = {"form": axe_violations(page)}
    page.get_by_label("Texte du badge").fill(token)
    page.get_by_role("button", name="Vérifier le badge").click()
    assert "Signature vérifiée" in page.inner_text("main")
    problems["valid"] = axe_violations(page)
    page.get_by_label("Texte du badge").fill("bonjour")
    page.get_by_role("button", name="Vérifier le badge").click()
    assert "pas un badge au format JWT" in page.inner_text("main")
    field = page.get_by_label("Texte du badge")
    assert field.get_attribute("aria-describedby") == "token-error"
    problems["error"] = axe_violations(page)
    assert not any(problems.values()), problems
