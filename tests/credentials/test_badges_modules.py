"""A badge for every completed module and for the programme, whatever CERTIFICATES_FOR says."""

from __future__ import annotations

import html
from pathlib import Path

import jwt
import pytest
from sqlalchemy import func, select

from catalyst_training.auth import roles
from catalyst_training.core.models import utcnow
from catalyst_training.credentials import awards, badges, services
from catalyst_training.credentials.models import Badge, Certificate
from catalyst_training.extensions import db
from catalyst_training.mentoring.models import AuditEntry
from tests.credentials.helpers import (
    SECOND,
    complete_module,
    copy_module,
    two_module_programme,
)
from tests.credentials.test_badges import BASE, published_key, validate
from tests.mentoring.helpers import SLUG, add_platform_b, build_world, csrf_token, login


@pytest.fixture
def world(app, programme, tmp_path):
    """Two modules (`module-exemple`, `module-deux`), BASE_URL set, nothing completed yet."""
    app.config["BASE_URL"] = BASE
    two_module_programme(app, tmp_path)
    return build_world()


def held(kind: str | None = None) -> list[Badge]:
    query = select(Badge).order_by(Badge.id)
    return list(db.session.scalars(query.where(Badge.kind == kind) if kind else query))


def certificates() -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).order_by(Certificate.id)))


def coordinator_client(app, world):
    client = app.test_client()
    login(client, world.coordinator, roles.COORDINATOR, world.context.id)
    return client


def revoked_ids(client) -> list[str]:
    listed = client.get("/credentials/revocations.json").get_json()["revokedCredentials"]
    return [r["id"] for r in listed]


def test_one_completed_module_gives_its_badge_without_any_certificate(world, client):
    complete_module(world, SLUG)
    assert certificates() == []  # CERTIFICATES_FOR=programme: none until the programme is done
    (badge,) = held()
    assert (badge.kind, badge.module_slug, badge.certificate_id) == ("module", SLUG, None)
    assert badge.user_id == world.learner_a.id and badge.context_id == world.context.id
    assert badge.status == "valid"
    credential = badges.credential_of(badge)
    validate(credential)
    assert "evidence" not in credential  # no certificate to point at
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Course" and achievement["name"] == "Module d'exemple"
    narrative = achievement["criteria"]["narrative"]
    assert (
        narrative.startswith("Badge délivré à qui a terminé ce module") and SECOND not in narrative
    )
    claims = jwt.decode(badge.jwt, published_key(client, badge.jwt).key, algorithms=["RS256"])
    assert claims["jti"] == badge.credential_id
    assert badges.check(badge.jwt, utcnow()).outcome == "valid"
    text = client.get(f"/verify/{badge.uuid}").get_data(as_text=True)
    assert "Signature vérifiée" in text and "Vérification d'un badge numérique" in text
    assert "le module «\u00a0Module d'exemple\u00a0»" in html.unescape(text)


def test_completing_every_module_adds_the_programme_badge_linked_to_its_certificate(world):
    complete_module(world, SLUG)
    complete_module(world, SECOND)
    (cert,) = certificates()
    assert cert.kind == "programme"
    assert sorted(b.module_slug for b in held("module")) == sorted([SLUG, SECOND])
    assert all(b.certificate_id is None for b in held("module"))
    (programme_badge,) = held("programme")
    assert programme_badge.certificate_id == cert.id and programme_badge.status == "valid"
    credential = badges.credential_of(programme_badge)
    validate(credential)
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "LearningProgram"
    narrative = achievement["criteria"]["narrative"]
    assert "«\u00a0Module d'exemple\u00a0»" in narrative
    assert "«\u00a0Deuxième module\u00a0»" in narrative
    # The hook again (a module completed twice) issues nothing new.
    services.on_module_completed(world.learner_a.id, SLUG, utcnow())
    db.session.commit()
    assert len(held()) == 3 and len(certificates()) == 1


def test_revoking_the_programme_certificate_revokes_the_programme_badge_only(world, app, client):
    complete_module(world, SLUG)
    complete_module(world, SECOND)
    (cert,) = certificates()
    coordinator = coordinator_client(app, world)
    answer = coordinator.post(
        f"/certificates/{cert.id}/revoke",
        data={"csrf_token": csrf_token(coordinator), "reason": "Fraude avérée"},
    )
    assert answer.status_code == 303
    (programme_badge,) = held("programme")
    assert programme_badge.status == "revoked"
    assert [b.status for b in held("module")] == ["valid", "valid"]
    assert revoked_ids(client) == [programme_badge.credential_id]
    # A linked badge is revoked through its certificate only: its own form refuses.
    answer = coordinator.post(
        f"/badges/{programme_badge.id}/revoke",
        data={"csrf_token": csrf_token(coordinator), "reason": "deux fois"},
    )
    assert answer.status_code == 303 and programme_badge.revoked_at is None
    with pytest.raises(awards.BadgeError):
        awards.revoke(programme_badge, None, "deux fois", utcnow())


def test_a_coordinator_revokes_a_module_badge_without_a_certificate(world, app, client):
    complete_module(world, SLUG)
    (badge,) = held()
    coordinator = coordinator_client(app, world)
    page = coordinator.get(f"/mentor/learners/{world.learner_a.id}").get_data(as_text=True)
    assert f"/badges/{badge.id}/revoke" in page and "Retirer ce badge" in page
    token = csrf_token(coordinator)
    missing = coordinator.post(f"/badges/{badge.id}/revoke", data={"csrf_token": token})
    assert missing.status_code == 422
    assert "Indiquez le motif du retrait du badge" in missing.get_data(as_text=True)
    refused = coordinator.post(f"/badges/{badge.id}/revoke", data={"reason": "sans jeton"})
    assert refused.status_code == 400 and badge.status == "valid"
    answer = coordinator.post(
        f"/badges/{badge.id}/revoke", data={"csrf_token": token, "reason": "Quiz fait par un tiers"}
    )
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#badges")
    db.session.expire_all()
    badge = db.session.get(Badge, badge.id)
    assert badge.status == "revoked" and badge.active_key is None
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.actor_id, entry.reason) == (
        "badge.revoke", world.coordinator.id, "Quiz fait par un tiers",
    )  # fmt: skip
    assert entry.target == f"user:{world.learner_a.id}" and entry.context_id == world.context.id
    assert revoked_ids(client) == [badge.credential_id]
    assert badges.check(badge.jwt, utcnow()).outcome == "revoked"
    text = client.get(f"/verify/{badge.uuid}").get_data(as_text=True)
    assert "Ce badge a été retiré le" in text and "Quiz fait par un tiers" in text
    assert "Signature vérifiée" not in text
    again = coordinator.post(
        f"/badges/{badge.id}/revoke", data={"csrf_token": token, "reason": "encore"}
    )
    assert again.status_code == 303 and badge.revoked_reason == "Quiz fait par un tiers"
    # The learner's page lists it as withdrawn, without downloads; the lazy path re-signs nothing.
    learner = app.test_client()
    login(learner, world.learner_a, roles.LEARNER, world.context.id)
    page = learner.get("/learn/progress").get_data(as_text=True)
    assert "Retiré" in page and f"/badges/{badge.id}.png" not in page
    assert len(held()) == 1


def test_module_certificates_and_module_badges_are_linked_not_doubled(world, app):
    app.config["CERTIFICATES_FOR"] = "module"
    complete_module(world, SLUG)
    complete_module(world, SECOND)
    module_certs = {c.module_slugs[0]: c for c in certificates()}
    assert set(module_certs) == {SLUG, SECOND}
    modules = held("module")
    assert len(modules) == 2
    assert {b.module_slug: b.certificate_id for b in modules} == {
        slug: c.id for slug, c in module_certs.items()
    }
    (programme_badge,) = held("programme")
    assert programme_badge.certificate_id is None  # no programme certificate in this setting
    assert awards.ensure_due(world.learner_a.id, utcnow()) == 0
    # Revoking a module certificate revokes that module's badge.
    services.revoke(module_certs[SLUG], None, "erreur", utcnow())
    db.session.commit()
    assert {b.module_slug: b.status for b in held("module")} == {SLUG: "revoked", SECOND: "valid"}


def test_a_certificate_issued_later_takes_the_existing_badge(world, app):
    complete_module(world, SLUG)
    (badge,) = held()
    app.config["CERTIFICATES_FOR"] = "module"  # e.g. switched, then `certificates issue`
    with app.test_request_context():
        cert = services.issue_module(world.learner_a.id, SLUG, utcnow())
    db.session.commit()
    assert cert is not None and db.session.scalar(select(func.count()).select_from(Badge)) == 1
    db.session.refresh(badge)
    assert badge.certificate_id == cert.id and badge.status == "valid"
    services.revoke(cert, None, "doublon", utcnow())
    db.session.commit()
    assert badge.status == "revoked"


def test_a_programme_that_grows_supersedes_the_programme_badge(world, app, client):
    app.config["CERTIFICATES_FOR"] = "module"  # the programme badge has no certificate
    complete_module(world, SLUG)
    complete_module(world, SECOND)
    (first,) = held("programme")
    # A third module appears, then is completed: a new programme badge replaces the first.
    root = Path(app.config["CONTENT_PATH"])
    copy_module(root, "02-module-deux", "03-module-trois", "module-trois", 3, "Troisième")
    complete_module(world, "module-trois")
    older, newer = held("programme")
    assert older.id == first.id and older.status == "superseded" and older.active_key is None
    assert newer.status == "valid"
    assert first.credential_id in revoked_ids(client)
    assert newer.credential_id not in revoked_ids(client)


@pytest.mark.parametrize("ext", ["png", "json", "jwt"])
def test_badge_downloads_are_refused_to_other_learners_and_platforms(world, app, ext):
    complete_module(world, SLUG)
    (badge,) = held()
    other = add_platform_b(world)
    url = f"/badges/{badge.id}.{ext}"
    cases = [
        (other.learner, roles.LEARNER, other.context.id, False),
        (world.learner_b, roles.LEARNER, world.context.id, False),
        (world.mentor_b, roles.MENTOR, world.context.id, False),
        (other.coordinator, roles.COORDINATOR, other.context.id, False),
        (world.learner_a, roles.LEARNER, world.context.id, True),
        (world.mentor_a, roles.MENTOR, world.context.id, True),
        (world.coordinator, roles.COORDINATOR, world.context.id, True),
    ]
    for person, role, run, allowed in cases:
        c = app.test_client()
        login(c, person, role, run)
        answer = c.get(url)
        assert (answer.status_code == 200) if allowed else answer.status_code in (403, 404)
        if allowed and ext == "jwt":
            assert answer.get_data(as_text=True) == badge.jwt
    assert app.test_client().get(url).status_code in (401, 403)
    c = app.test_client()
    login(c, world.learner_a, roles.LEARNER, world.context.id)
    assert c.get(f"/badges/{badge.id + 99}.{ext}").status_code == 404
