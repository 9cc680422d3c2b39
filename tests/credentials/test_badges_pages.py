"""Badge downloads from the progress page: the baked PNG, JSON and JWT; policy; lazy badges."""

from __future__ import annotations

import io
import json
import struct

import jsonschema
import jwt
import pytest
from PIL import Image
from sqlalchemy import func, select

from catalyst_training.auth import roles
from catalyst_training.core.models import utcnow
from catalyst_training.credentials import badges, baking, openbadge, services
from catalyst_training.credentials.models import Badge, Certificate
from catalyst_training.extensions import db
from tests.credentials.helpers import complete_programme
from tests.mentoring.helpers import add_platform_b, build_world, local_coordinator, login


@pytest.fixture
def world(app, programme):
    """Learner A completed the programme; no BASE_URL: as `certificates issue` from a console."""
    found = build_world()
    complete_programme(found)
    return found


def certificate() -> Certificate:
    return db.session.scalars(select(Certificate).order_by(Certificate.id.desc())).first()


def badge_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Badge))


def itxt_chunks(data: bytes) -> dict[str, str]:
    """The PNG's iTXt chunks read by hand (keyword -> text), independently of Pillow."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    found, pos = {}, 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"iTXt":
            keyword, rest = body.split(b"\x00", 1)
            compressed, rest = rest[0], rest[2:]  # flag, method
            _lang, _tkey, text = rest.split(b"\x00", 2)
            assert compressed == 0
            found[keyword.decode("latin-1")] = text.decode("utf-8")
        pos += 12 + length
    return found


def test_a_certificate_from_before_badges_gets_its_badge_on_first_download(world, client):
    cert = certificate()
    assert badge_count() == 0  # issued outside a request without BASE_URL: signed lazily
    login(client, world.learner_a, roles.LEARNER, world.context.id)
    token = client.get(f"/certificates/{cert.id}/badge.jwt")
    assert token.status_code == 200 and token.mimetype == "application/jwt"
    assert badge_count() == 1
    badge = db.session.scalar(select(Badge))
    assert badge.certificate_id == cert.id and badge.kind == "programme"
    assert token.get_data(as_text=True) == badge.jwt
    # The same badge every time: signed once, kept as signed.
    assert client.get(f"/certificates/{cert.id}/badge.jwt").get_data(as_text=True) == badge.jwt
    assert badge_count() == 1
    kid_url = jwt.get_unverified_header(badge.jwt)["kid"]
    assert kid_url == f"http://localhost/credentials/keys/{badge.kid}"


def test_the_progress_page_signs_the_badges_due_and_lists_each_with_its_downloads(world, client):
    assert badge_count() == 0  # completed outside a request without BASE_URL
    login(client, world.learner_a, roles.LEARNER, world.context.id)
    page = client.get("/learn/progress").get_data(as_text=True)
    held = db.session.scalars(select(Badge).order_by(Badge.id)).all()
    assert sorted(b.kind for b in held) == ["module", "programme"]
    assert "Badges numériques (Open Badges 3.0)" in page
    for badge in held:
        for ext in ("png", "json", "jwt"):
            assert f"/badges/{badge.id}.{ext}" in page
            assert client.get(f"/badges/{badge.id}.{ext}").status_code == 200
        assert f"/verify/{badge.uuid}" in page
    assert "badge du module" in page and "badge du parcours complet" in page
    # Once signed, the page signs nothing more.
    client.get("/learn/progress")
    assert badge_count() == 2


def test_the_baked_png_opens_as_an_image_and_carries_the_same_credential(world, client):
    cert = certificate()
    login(client, world.learner_a, roles.LEARNER, world.context.id)
    answer = client.get(f"/certificates/{cert.id}/badge.png")
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    assert "attachment" in answer.headers["Content-Disposition"]
    data = answer.data
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.size == (baking.SIZE, baking.SIZE)
        image.load()
        baked = image.text[baking.KEYWORD]
    badge = db.session.scalar(select(Badge))
    assert baked == badge.jwt == itxt_chunks(data)[baking.KEYWORD]
    assert baking.unbake(data) == badge.jwt
    assert badges.check(baking.unbake(data), utcnow()).outcome == "valid"
    # The JSON download is the credential the JWT carries, and it is schema-valid.
    credential = json.loads(client.get(f"/certificates/{cert.id}/badge.json").data)
    claims = jwt.decode(baked, options={"verify_signature": False})
    assert {k: claims[k] for k in credential} == credential
    jsonschema.Draft201909Validator(openbadge.schema()).validate(credential)


def test_the_badge_text_has_enough_contrast():
    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted((luminance(baking.TEXT), luminance(baking.BACKGROUND)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5
    assert baking.unbake(b"not a png") is None
    assert baking.unbake(baking.png(baking.draw("Titre « long » œ", "sous-titre", "x"))) is None


def test_verify_signs_a_badge_for_an_older_certificate_and_shows_it(world, client):
    cert = certificate()
    text = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    badge = db.session.scalar(select(Badge))
    assert badge is not None and badge.certificate_id == cert.id
    assert "Signature vérifiée" in text and badge.credential_id in text


def test_a_certificate_withdrawn_before_it_had_a_badge_gets_none(world, client):
    cert = certificate()
    services.revoke(cert, None, "doublon", utcnow())
    db.session.commit()
    login(client, world.learner_a, roles.LEARNER, world.context.id)
    assert client.get(f"/certificates/{cert.id}/badge.png").status_code == 404
    client.get("/learn/progress")
    assert "a été retiré" in client.get(f"/verify/{cert.code}").get_data(as_text=True)
    # No programme badge (not even one without a certificate); the module's badge stands.
    assert [b.kind for b in db.session.scalars(select(Badge))] == ["module"]


@pytest.mark.parametrize("ext", ["png", "json", "jwt"])
def test_another_learner_or_platform_cannot_download_a_badge(world, app, ext):
    other = add_platform_b(world)
    url = f"/certificates/{certificate().id}/badge.{ext}"
    cases = [
        (other.learner, roles.LEARNER, other.context.id, False),
        (world.learner_b, roles.LEARNER, world.context.id, False),
        (world.mentor_b, roles.MENTOR, world.context.id, False),
        (other.coordinator, roles.COORDINATOR, other.context.id, False),
        (world.learner_a, roles.LEARNER, world.context.id, True),
        (world.mentor_a, roles.MENTOR, world.context.id, True),
        (world.coordinator, roles.COORDINATOR, world.context.id, True),
        (local_coordinator(), roles.COORDINATOR, None, True),
    ]
    for person, role, run, allowed in cases:
        c = app.test_client()
        login(c, person, role, run)
        status = c.get(url).status_code
        assert (status == 200) if allowed else status in (403, 404), (person.sub, status)
    assert app.test_client().get(url).status_code in (401, 403)


def test_public_badge_endpoints_are_rate_limited(world, app):
    app.config["VERIFY_RATE_LIMIT"] = "2/minute"
    client = app.test_client()
    statuses = [client.get("/credentials/revocations.json").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
