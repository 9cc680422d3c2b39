"""Issuing on completion, idempotence, reissue and revocation, erasure."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalyst_training.auth import personal_data
from catalyst_training.core.models import utcnow
from catalyst_training.credentials import services
from catalyst_training.credentials.models import Certificate
from catalyst_training.extensions import db
from catalyst_training.learning.models import ModuleProgress
from catalyst_training.mentoring.models import AuditEntry
from tests.credentials.helpers import complete_programme
from tests.mentoring.helpers import SLUG, build_world


@pytest.fixture
def world(app, programme):
    """The mentoring world with learner A having completed the programme."""
    found = build_world()
    complete_programme(found)
    return found


def all_certificates() -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).order_by(Certificate.id)))


def test_completing_the_programme_issues_one_certificate_with_its_facts(world):
    (cert,) = all_certificates()
    assert cert.user_id == world.learner_a.id and cert.kind == "programme"
    assert cert.learner_name == "Learner A" and cert.status == "valid"
    assert len(cert.code) >= 16  # 120 random bits
    facts = cert.facts
    assert [m["slug"] for m in facts["modules"]] == [SLUG]
    assert facts["modules"][0]["completed_at"] and facts["modules"][0]["score"] is not None
    assert facts["minutes"] == 20 and facts["cohort"] == "Cohorte Lyon"
    assert facts["territory"]["code"] == "69123" and facts["course_run"] == "Session 1"
    assert facts["issuer"] == "catalyst-training"


def test_issuing_is_idempotent(world):
    now = utcnow()
    assert services.issue_programme(world.learner_a.id, now) is None
    assert services.issue_due(world.learner_a.id, now) == []
    assert len(all_certificates()) == 1
    # Nothing for a learner who has not completed the programme.
    assert services.issue_programme(world.learner_b.id, now) is None


def test_module_setting_issues_one_per_module(app, programme):
    app.config["CERTIFICATES_FOR"] = "module"
    world = build_world()
    complete_programme(world)
    (cert,) = all_certificates()
    assert cert.kind == "module" and cert.module_slugs == [SLUG]
    assert services.issue_module(world.learner_a.id, SLUG, utcnow()) is None


def test_recorded_certificates_are_immutable(world):
    (cert,) = all_certificates()
    cert.learner_name = "Someone else"
    with pytest.raises(ValueError, match="immutable"):
        db.session.flush()
    db.session.rollback()


def test_reissue_supersedes_and_revoke_is_audited(world):
    (old,) = all_certificates()
    new = services.reissue(old, world.coordinator.id, "nom corrigé", utcnow())
    db.session.commit()
    assert old.status == "superseded" and old.superseded_by_id == new.id
    assert new.status == "valid" and new.code != old.code
    with pytest.raises(services.CertificateError):
        services.reissue(old, world.coordinator.id, "", utcnow())
    with pytest.raises(services.CertificateError):
        services.revoke(new, world.coordinator.id, "  ", utcnow())
    services.revoke(new, world.coordinator.id, "erreur de saisie", utcnow())
    db.session.commit()
    assert new.status == "revoked" and new.revoked_reason == "erreur de saisie"
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-2:] == ["certificate.reissue", "certificate.revoke"]
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.reason == "erreur de saisie" and entry.context_id == world.context.id
    # Once revoked, completing again issues a fresh certificate (none is active any more).
    assert services.issue_programme(world.learner_a.id, utcnow()) is not None


def test_completing_a_module_again_issues_nothing_new(world):
    (first,) = all_certificates()
    row = db.session.scalar(select(ModuleProgress).filter_by(user_id=world.learner_a.id))
    assert row.status == "completed"
    # Same modules: no second one; the hook ignores modules completed twice.
    services.on_module_completed(world.learner_a.id, SLUG, utcnow())
    assert all_certificates() == [first]


def test_erasure_revokes_and_anonymises_but_keeps_the_code(world, client):
    (cert,) = all_certificates()
    code = cert.code
    exported = personal_data.export(world.learner_a)
    assert exported["credentials"]["certificates"][0]["code"] == code
    personal_data.erase([world.learner_a.id])
    db.session.commit()
    kept = db.session.scalar(select(Certificate).where(Certificate.code == code))
    assert kept.user_id is None and kept.learner_name is None and kept.status == "revoked"
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "retiré" in page and "Learner A" not in page


def test_a_learner_known_only_by_sub_gets_the_display_name_pseudonym(app, programme):
    from catalyst_training.auth import roles
    from catalyst_training.mentoring import placement
    from tests.mentoring.helpers import user

    world = build_world()
    anonymous = user(world.platform, world.context, "edx-sub-7f3a9c", roles.LEARNER, None)
    placement.place_from_launch(anonymous.id, world.context.id, "learner", {"cohort": "lyon"},
                                utcnow())  # fmt: skip
    db.session.commit()
    complete_programme(world, anonymous)
    cert = db.session.scalar(select(Certificate).where(Certificate.user_id == anonymous.id))
    assert cert.learner_name == services.printed_name(anonymous)  # User.display_name, in French
    assert cert.learner_name.startswith("Participant edx-sub-")


def test_the_cli_lists_issues_and_revokes(world, cli):
    (cert,) = all_certificates()
    listed = cli("certificates", "list")
    assert cert.code in listed.output and "valid" in listed.output
    assert "0 certificate(s) issued" in cli("certificates", "issue").output
    refused = cli("certificates", "revoke", "no-such-code-000000000", "--reason", "x")
    assert refused.exit_code != 0
    done = cli("certificates", "revoke", cert.code, "--reason", "doublon", "--by", "DPO")
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    assert all_certificates()[0].status == "revoked"
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "certificate.revoke" and entry.details["by"] == "DPO"
    assert cert.code not in cli("certificates", "list").output
    assert cert.code in cli("certificates", "list", "--all").output


def test_codes_are_long_random_and_never_start_like_an_option():
    codes = {services.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 20 and c[0].isalnum() for c in codes)
    assert all(services.CODE_PATTERN.match(c) for c in codes)
