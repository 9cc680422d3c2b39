"""Open Badges 3.0: schema validity, the VC-JWT against the published key, revocation, erasure."""

from __future__ import annotations

from urllib.parse import urlsplit

import jsonschema
import jwt
import pytest
from sqlalchemy import func, select

from catalyst_training.auth import personal_data, roles
from catalyst_training.core.models import utcnow
from catalyst_training.credentials import badges, openbadge, services
from catalyst_training.credentials.models import Badge, Certificate
from catalyst_training.extensions import db
from catalyst_training.lti import keys
from tests.credentials.helpers import complete_programme
from tests.mentoring.helpers import SLUG, build_world, csrf_token, login

BASE = "https://catalyst.test"


@pytest.fixture
def world(app, programme):
    """Learner A completed the programme, with BASE_URL set: the badge is signed at once."""
    app.config["BASE_URL"] = BASE
    found = build_world()
    complete_programme(found)
    return found


def the_badge(kind: str = "programme") -> Badge:
    """The newest badge of a kind (the programme's by default)."""
    return db.session.scalars(
        select(Badge).where(Badge.kind == kind).order_by(Badge.id.desc())
    ).first()


def validate(credential: dict) -> None:
    schema = openbadge.schema()
    assert schema["$schema"].startswith("https://json-schema.org/draft/2019-09/")
    validator = jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(credential), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def published_key(client, token: str) -> jwt.PyJWK:
    """The public key the JWT's kid names, fetched over the app's HTTP endpoint."""
    kid_url = jwt.get_unverified_header(token)["kid"]
    assert kid_url.startswith(f"{BASE}/credentials/keys/")
    answer = client.get(urlsplit(kid_url).path)
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == "*"
    return jwt.PyJWK(answer.get_json())


def test_the_programme_badge_is_a_valid_open_badge_credential(world):
    (cert,) = db.session.scalars(select(Certificate)).all()
    badge = the_badge()
    assert badge.certificate_id == cert.id and badge.status == "valid"
    credential = badges.credential_of(badge)
    validate(credential)
    assert credential["@context"] == openbadge.CONTEXTS
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == badge.credential_id and badge.credential_id.startswith("urn:uuid:")
    assert credential["issuer"] == {
        "id": f"{BASE}/credentials/issuer",
        "type": ["Profile"],
        "name": "catalyst-training",
    }
    assert credential["credentialStatus"] == {
        "id": f"{BASE}/credentials/revocations.json",
        "type": "1EdTechRevocationList",
    }
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == "Formation des catalyseurs territoriaux"
    narrative = achievement["criteria"]["narrative"]
    # The sample module asks for its lesson, a passed quiz (50) and the work handed in.
    assert "«\u00a0Module d'exemple\u00a0»\u00a0: suivre sa leçon, réussir son quiz" in narrative
    assert "(au moins 50 / 100) et rendre son travail d'application" in narrative
    (ident,) = credential["credentialSubject"]["identifier"]
    assert ident["hashed"] and ident["identityType"] == "ltiUserId"
    import hashlib

    expected = hashlib.sha256((world.learner_a.sub + ident["salt"]).encode()).hexdigest()
    assert ident["identityHash"] == f"sha256${expected}"
    text = badge.jwt + str(credential)
    assert "Learner A" not in text and "@" not in credential["credentialSubject"]["identifier"][0]
    assert "validUntil" not in credential  # BADGE_VALID_DAYS = 0: no expiry


def test_criteria_name_the_mentor_approval_when_the_module_requires_it(app, programme, monkeypatch):
    from dataclasses import replace

    from catalyst_training.learning.modules import current_module

    module, version_id = current_module(SLUG)
    stricter = replace(module, completion={**module.completion, "assignment": "approved"})
    monkeypatch.setattr(openbadge, "current_module", lambda slug: (stricter, version_id))
    rule = openbadge._module_rule(SLUG, module.title)
    assert rule.endswith("et rendre son travail d'application, approuvé par un mentor")


def test_a_module_badge_per_module_with_issuer_settings_is_valid_too(app, programme):
    app.config.update(
        BASE_URL=BASE,
        CERTIFICATES_FOR="module",
        CERTIFICATE_ISSUER="Réseau des catalyseurs",
        BADGE_ISSUER_URL="https://reseau.example.org",
        BADGE_ISSUER_EMAIL="contact@reseau.example.org",
        BADGE_VALID_DAYS=365,
    )
    world = build_world()
    complete_programme(world)
    module_badge = the_badge("module")
    cert = db.session.scalar(select(Certificate))
    assert cert.kind == "module" and module_badge.certificate_id == cert.id  # linked, not twice
    assert db.session.scalar(select(func.count()).select_from(Badge)) == 2  # and the programme's
    credential = badges.credential_of(module_badge)
    validate(credential)
    assert credential["evidence"][0]["id"] == f"{BASE}/verify/{cert.code}"
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == "Module d'exemple" and achievement["achievementType"] == "Course"
    assert achievement["id"] == f"{BASE}/credentials/achievements/module-{SLUG}"
    assert credential["issuer"]["url"] == "https://reseau.example.org"
    assert credential["issuer"]["name"] == "Réseau des catalyseurs"
    assert credential["validUntil"] > credential["validFrom"]
    claims = jwt.decode(module_badge.jwt, options={"verify_signature": False})
    assert claims["exp"] - claims["nbf"] == 365 * 86400


def test_the_jwt_verifies_with_the_published_key_and_fails_after_one_byte_changed(world, client):
    token = the_badge().jwt
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["typ"] == "JWT"
    key = published_key(client, token)
    claims = jwt.decode(token, key.key, algorithms=["RS256"])
    assert (
        claims["jti"] == the_badge().credential_id and claims["iss"] == f"{BASE}/credentials/issuer"
    )
    assert claims["credentialSubject"]["type"] == ["AchievementSubject"]
    # The tool's JWKS publishes the same key.
    jwks = client.get("/lti/jwks.json").get_json()
    assert key.key_id in [k["kid"] for k in jwks["keys"]]
    header_part, payload_part, signature_part = token.split(".")
    for i, part in enumerate((payload_part, signature_part)):
        middle = len(part) // 2
        changed = part[:middle] + ("A" if part[middle] != "A" else "B") + part[middle + 1 :]
        parts = [header_part, payload_part, signature_part]
        parts[i + 1] = changed
        forged = ".".join(parts)
        with pytest.raises(jwt.PyJWTError):
            jwt.decode(forged, key.key, algorithms=["RS256"])
        assert badges.check(forged, utcnow()).outcome == badges.BAD_SIGNATURE
    assert badges.check(token, utcnow()).outcome == "valid"


def test_key_rotation_and_removing_retired_keys_keep_the_badge_verifiable(world, client):
    badge = the_badge()
    keys.create_key()
    assert keys.remove_retired_keys(keep=0) == 1
    db.session.commit()
    assert badge.kid not in [k["kid"] for k in keys.public_jwks()["keys"]]
    key = published_key(client, badge.jwt)  # still served: a badge it signed exists
    assert jwt.decode(badge.jwt, key.key, algorithms=["RS256"])["jti"] == badge.credential_id
    page = client.get(f"/verify/{badge.uuid}").get_data(as_text=True)
    assert "Signature vérifiée" in page
    assert client.get("/credentials/keys/unknown-kid").status_code == 404


def test_a_revoked_or_superseded_certificate_revokes_its_badge(world, app, client):
    cert = db.session.scalar(select(Certificate))
    first = the_badge()
    assert client.get("/credentials/revocations.json").get_json()["revokedCredentials"] == []
    coordinator = app.test_client()
    login(coordinator, world.coordinator, roles.COORDINATOR, world.context.id)
    token = csrf_token(coordinator)
    assert (
        coordinator.post(f"/certificates/{cert.id}/reissue", data={"csrf_token": token}).status_code
        == 303
    )
    second = the_badge()
    assert second.id != first.id and second.status == "valid" and first.status == "superseded"
    listed = client.get("/credentials/revocations.json").get_json()
    assert listed["type"] == "1EdTechRevocationList"
    assert listed["revokedCredentials"] == [{"id": first.credential_id, "revoked": True}]
    newer = db.session.get(Certificate, second.certificate_id)
    answer = coordinator.post(
        f"/certificates/{newer.id}/revoke", data={"csrf_token": token, "reason": "Fraude avérée"}
    )
    assert answer.status_code == 303
    ids = [
        r["id"]
        for r in client.get("/credentials/revocations.json").get_json()["revokedCredentials"]
    ]
    assert ids == [first.credential_id, second.credential_id]
    assert badges.check(second.jwt, utcnow()).outcome == "revoked"  # signature fine, status not
    # The module's badge has no certificate: the programme certificate's fate is not its own.
    assert the_badge("module").status == "valid" and the_badge("module").certificate_id is None
    page = client.get(f"/verify/{second.uuid}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Ce badge est révoqué" in text and "Fraude avérée" in text
    assert "Signature vérifiée" not in text


def test_verify_by_badge_id_says_valid_and_names_the_key(world, client):
    badge = the_badge()
    cert = db.session.get(Certificate, badge.certificate_id)
    for ref in (badge.uuid, badge.credential_id, cert.code):
        text = client.get(f"/verify/{ref}").get_data(as_text=True)
        assert "Signature vérifiée" in text and badge.credential_id in text, ref
        assert f"{BASE}/credentials/keys/{badge.kid}" in text
    assert client.get("/verify/00000000-0000-4000-8000-000000000000").status_code == 404


def test_an_expired_badge_is_reported_expired(world, app, client, clock):
    app.config["BADGE_VALID_DAYS"] = 30
    cert = db.session.scalar(select(Certificate))
    services.reissue(cert, None, "validité de 30 jours", clock.now())
    db.session.commit()
    badge = the_badge()
    assert badges.check(badge.jwt, clock.now()).outcome == "valid"
    clock.advance(31 * 86400)
    assert badges.check(badge.jwt, clock.now()).outcome == badges.EXPIRED
    assert "Ce badge a expiré" in client.get(f"/verify/{badge.uuid}").get_data(as_text=True)


def test_erasure_revokes_the_badge_and_clears_its_jwt(world, client):
    badge, module_badge = the_badge(), the_badge("module")
    exported = personal_data.export(world.learner_a)["credentials"]
    by_id = {b["credential_id"]: b for b in exported["badges"]}
    assert set(by_id) == {badge.credential_id, module_badge.credential_id}
    assert by_id[badge.credential_id]["jwt"] == badge.jwt
    assert by_id[badge.credential_id]["certificate"] is not None
    assert by_id[module_badge.credential_id]["certificate"] is None
    assert {b["status"] for b in exported["badges"]} == {"valid"}
    assert personal_data.count([world.learner_a.id])["badges"] == 2
    personal_data.erase([world.learner_a.id])
    db.session.commit()
    db.session.expire_all()
    for held in (badge, module_badge):
        kept = db.session.get(Badge, held.id)
        assert kept.jwt is None and kept.status == "revoked" and kept.user_id is None
    ids = [
        r["id"]
        for r in client.get("/credentials/revocations.json").get_json()["revokedCredentials"]
    ]
    assert ids == [badge.credential_id, module_badge.credential_id]
    text = client.get(f"/verify/{badge.uuid}").get_data(as_text=True)
    assert "Ce badge est révoqué" in text and "Learner A" not in text
    text = client.get(f"/verify/{module_badge.uuid}").get_data(as_text=True)
    assert "Ce badge a été retiré" in text and "effacées" in text and "withdrawn" not in text


def test_the_issuer_profile_and_achievement_image_are_public(world, client):
    profile = client.get("/credentials/issuer").get_json()
    assert profile["id"] == f"{BASE}/credentials/issuer" and profile["type"] == ["Profile"]
    image = client.get("/credentials/achievements/programme.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert client.get(f"/credentials/achievements/module-{SLUG}.png").status_code == 200
    assert client.get("/credentials/achievements/module-nope.png").status_code == 404
    assert client.get("/credentials/achievements/..%2f.png").status_code == 404


def test_the_badge_part_of_the_verification_page_in_english(world, client):
    badge = the_badge()
    text = client.get(f"/verify/{badge.uuid}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Signature verified: this badge is genuine and valid." in text
    assert "Digital badge (Open Badges 3.0)" in text and "no expiry date" in text
