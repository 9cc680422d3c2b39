"""The PDF read back, downloads by policy, the verification page, the bulk ZIP."""

from __future__ import annotations

import io
import zipfile

import pypdf
import pytest
from sqlalchemy import select

from catalyst_training.auth import roles
from catalyst_training.credentials.models import Certificate
from catalyst_training.extensions import db
from catalyst_training.mentoring.models import AuditEntry
from tests.credentials.helpers import complete_programme
from tests.mentoring.helpers import (
    add_platform_b,
    build_world,
    csrf_token,
    local_coordinator,
    login,
)


@pytest.fixture
def world(app, programme):
    """Learner A completed the programme (and holds a certificate)."""
    found = build_world()
    complete_programme(found)
    return found


def certificate() -> Certificate:
    return db.session.scalars(select(Certificate).order_by(Certificate.id.desc())).first()


def read_pdf(data: bytes) -> pypdf.PdfReader:
    assert data.startswith(b"%PDF")
    return pypdf.PdfReader(io.BytesIO(data))


def test_the_learner_downloads_a_pdf_that_says_who_what_hours_and_code(world, client):
    login(client, world.learner_a, roles.LEARNER, world.context.id)
    page = client.get("/learn/progress").get_data(as_text=True)
    cert = certificate()
    assert f"/certificates/{cert.id}.pdf" in page and cert.code in page
    response = client.get(f"/certificates/{cert.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = read_pdf(response.data)
    text = " ".join(p.extract_text() for p in reader.pages)
    flat = " ".join(text.split())  # wrapped lines and non-breaking spaces as plain spaces
    for expected in ("Learner A", "Formation des catalyseurs territoriaux", "Module d'exemple",
                     "durée 0 h 20", "durée de 0 h 20", cert.code, f"/verify/{cert.code}",
                     "Cohorte Lyon", "Lyon (69123"):  # fmt: skip
        assert expected in flat, expected
    meta = reader.metadata
    assert "Learner A" in meta.title and meta.author == "catalyst-training"
    assert "catalyseurs" in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    fonts = reader.pages[0]["/Resources"]["/Font"].values()
    for font in fonts:
        descriptor = font.get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font.get_object()["/BaseFont"]
    # Rendered again from the recorded row: the same bytes.
    assert client.get(f"/certificates/{cert.id}.pdf").data == response.data


def test_hours_come_from_the_modules_durations():
    from catalyst_training.credentials.pdf import duration

    assert duration(20) == "0\u00a0h\u00a020" and duration(600) == "10\u00a0h"
    assert duration(750) == "12\u00a0h\u00a030"


def test_french_text_is_drawn_with_the_embedded_font():
    from catalyst_training.credentials.pdf import drawable

    text = "é è à ç œ « » ’\u202fx\u00a0y"
    assert drawable(text) == text.replace("\u202f", "\u00a0")
    assert drawable("\u4e2d") == "?"


def test_another_platforms_learner_and_coordinator_cannot_download_a_certificate(world, app):
    """A learner of another platform and a coordinator of another platform get 403/404."""
    other = add_platform_b(world)
    cert = certificate()
    url = f"/certificates/{cert.id}.pdf"
    cases = [
        (other.learner, roles.LEARNER, other.context.id, False),
        (world.learner_b, roles.LEARNER, world.context.id, False),
        (world.mentor_b, roles.MENTOR, world.context.id, False),
        (other.coordinator, roles.COORDINATOR, other.context.id, False),
        (world.mentor_a, roles.MENTOR, world.context.id, True),
        (world.coordinator, roles.COORDINATOR, world.context.id, True),
        (local_coordinator(), roles.COORDINATOR, None, True),
    ]
    for person, role, run, allowed in cases:
        c = app.test_client()
        login(c, person, role, run)
        status = c.get(url).status_code
        assert (status == 200) if allowed else status in (403, 404), (person.sub, status)


def test_verify_is_public_and_says_valid_superseded_or_revoked(world, client, app):
    cert = certificate()
    page = client.get(f"/verify/{cert.code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert (
        "Ce certificat est valide" in text
        and "Learner A" in text
        and "Module d&#39;exemple" in text
    )
    assert page.headers["X-Robots-Tag"].startswith("noindex")
    coordinator = app.test_client()
    login(coordinator, world.coordinator, roles.COORDINATOR, world.context.id)
    file_page = coordinator.get(f"/mentor/learners/{world.learner_a.id}").get_data(as_text=True)
    assert f"/certificates/{cert.id}/revoke" in file_page
    token = csrf_token(coordinator)
    done = coordinator.post(f"/certificates/{cert.id}/reissue", data={"csrf_token": token})
    assert done.status_code == 303
    newer = certificate()
    assert newer.id != cert.id
    text = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "remplacé" in text and f"/verify/{newer.code}" in text
    refused = coordinator.post(f"/certificates/{newer.id}/revoke", data={"csrf_token": token})
    assert refused.status_code == 400  # a reason is required
    revoked = coordinator.post(
        f"/certificates/{newer.id}/revoke", data={"csrf_token": token, "reason": "Fraude avérée"}
    )
    assert revoked.status_code == 303
    text = client.get(f"/verify/{newer.code}").get_data(as_text=True)
    assert "a été retiré" in text and "Fraude avérée" in text
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "certificate.revoke" and entry.actor_id == world.coordinator.id


def test_verify_in_english(world, client):
    cert = certificate()
    text = client.get(f"/verify/{cert.code}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "This certificate is valid" in text


@pytest.mark.parametrize("code", ["x", "a" * 200, "../etc", "%00", "AAAAAAAAAAAAAAAAAAAA"])
def test_malformed_or_unknown_codes_are_404(app, code):
    assert app.test_client().get(f"/verify/{code}").status_code == 404


def test_a_learner_cannot_revoke(world, client):
    cert = certificate()
    login(client, world.learner_a, roles.LEARNER, world.context.id)
    token = csrf_token(client)
    answer = client.post(
        f"/certificates/{cert.id}/revoke", data={"csrf_token": token, "reason": "x"}
    )
    assert answer.status_code == 403
    assert certificate().status == "valid"


def test_bulk_zip_of_a_filtered_set_has_one_pdf_per_certificate(world, app):
    complete_programme(world, world.learner_b)
    coordinator = app.test_client()
    login(coordinator, world.coordinator, roles.COORDINATOR, world.context.id)
    token = csrf_token(coordinator)
    everything = coordinator.post(
        "/console/certificates.zip", data={"csrf_token": token}, buffered=False
    )
    assert everything.status_code == 200 and everything.is_streamed
    chunks = list(everything.response)  # one chunk per PDF as it is rendered, then the directory
    everything.close()
    assert len(chunks) == 3 and all(c.startswith(b"PK\x03\x04") for c in chunks[:2])
    names = zipfile.ZipFile(io.BytesIO(b"".join(chunks))).namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    lyon = coordinator.post(
        f"/console/certificates.zip?cohort={world.cohort_a.id}", data={"csrf_token": token}
    )
    archive = zipfile.ZipFile(io.BytesIO(lyon.data))
    (name,) = archive.namelist()
    assert "learner-a" in name
    assert "Learner A" in read_pdf(archive.read(name)).pages[0].extract_text()
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "export.certificates" and entry.details["certificates"] == 1
    other = add_platform_b(world)
    outsider = app.test_client()
    login(outsider, other.coordinator, roles.COORDINATOR, other.context.id)
    empty = outsider.post("/console/certificates.zip", data={"csrf_token": csrf_token(outsider)})
    assert zipfile.ZipFile(io.BytesIO(empty.data)).namelist() == []


def test_verification_is_rate_limited(world, app):
    app.config["VERIFY_RATE_LIMIT"] = "2/minute"
    client = app.test_client()
    code = certificate().code
    statuses = [client.get(f"/verify/{code}").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
