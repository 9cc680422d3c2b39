"""The public form "Vérifier un badge reçu": a pasted JWT or a baked PNG, checked with our keys."""

from __future__ import annotations

import io
import re

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import g
from sqlalchemy import select

from catalyst_training.auth import roles
from catalyst_training.auth.models import User
from catalyst_training.core.models import utcnow
from catalyst_training.credentials import awards, badges, baking, received
from catalyst_training.credentials.models import Badge
from catalyst_training.extensions import db
from tests.credentials.helpers import complete_programme
from tests.mentoring.helpers import build_world, login

BASE = "https://catalyst.test"
NBSP = "\u00a0"


@pytest.fixture
def world(app, programme):
    """Learner A completed the programme, with BASE_URL set: module and programme badges."""
    app.config["BASE_URL"] = BASE
    found = build_world()
    complete_programme(found)
    return found


def the_badge(kind: str = "programme") -> Badge:
    return db.session.scalars(
        select(Badge).where(Badge.kind == kind).order_by(Badge.id.desc())
    ).first()


def form_token(client) -> str:
    """The CSRF token of the form, as an anonymous visitor gets it (in their session cookie)."""
    g.pop("csrf_token", None)  # the test's app context outlives requests (see csrf_token)
    page = client.get("/verify")
    assert page.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match
    return match.group(1)


def submit(client, token: str | None = None, image: bytes | None = None, name="badge.png"):
    data = {"csrf_token": form_token(client)}
    if token is not None:
        data["token"] = token
    if image is not None:
        data["image"] = (io.BytesIO(image), name)
    return client.post("/verify", data=data, content_type="multipart/form-data")


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_form_is_linked_from_the_verification_page_and_is_accessible(world, client):
    page = text(client.get(f"/verify/{the_badge().uuid}"))
    assert 'href="/verify"' in page and "Vérifier un badge reçu" in page
    form = text(client.get("/verify"))
    assert "<h1>Vérifier un badge reçu</h1>" in form and 'enctype="multipart/form-data"' in form
    assert re.search(r'<label for="image">', form) and re.search(r'<label for="token">', form)


def test_a_pasted_jwt_is_valid_and_links_to_its_verification_page(world, client):
    badge = the_badge()
    answer = submit(client, token=badge.jwt)
    assert answer.status_code == 200
    page = text(answer)
    assert f"Signature vérifiée{NBSP}: ce badge est authentique et valide." in page
    assert badge.credential_id in page and f'href="/verify/{badge.uuid}"' in page
    assert "ltiUserId" in page and "sha256" in page and "le parcours complet" in page
    # Wrapped over lines as in an e-mail, it still reads.
    wrapped = "\n".join(badge.jwt[i : i + 64] for i in range(0, len(badge.jwt), 64))
    assert submit(client, token=wrapped).status_code == 200


def test_the_downloaded_baked_png_is_valid_and_the_same_credential(world, app, client):
    badge = the_badge("module")
    learner = app.test_client()
    login(learner, world.learner_a, roles.LEARNER, world.context.id)
    image = learner.get(f"/badges/{badge.id}.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    answer = submit(client, image=image.get_data())
    assert answer.status_code == 200, text(answer)
    page = text(answer)
    assert "Signature vérifiée" in page and badge.credential_id in page
    assert f'href="/verify/{badge.uuid}"' in page and "le module" in page


def test_one_changed_byte_is_an_invalid_signature(world, client):
    token = the_badge().jwt
    head, payload, signature = token.split(".")
    middle = len(payload) // 2
    forged = ".".join(
        (head, payload[:middle] + ("A" if payload[middle] != "A" else "B") + payload[middle + 1 :],
         signature)
    )  # fmt: skip
    answer = submit(client, token=forged)
    assert answer.status_code == 422
    assert "Signature invalide" in text(answer) and "Signature vérifiée" not in text(answer)


@pytest.mark.parametrize("kid", ["https://elsewhere.example/keys/k1", None])
def test_a_jwt_signed_with_another_key_is_not_issued_by_this_tool(world, client, kid):
    claims = jwt.decode(the_badge().jwt, options={"verify_signature": False})
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    # Same credential, another signer; None: a kid ending like ours on another host.
    kid = kid or f"https://elsewhere.example/credentials/keys/{the_badge().kid}"
    forged = jwt.encode(claims, other, algorithm="RS256", headers={"kid": kid, "typ": "JWT"})
    answer = submit(client, token=forged)
    assert answer.status_code == 422
    assert "pas été délivré par cet outil" in text(answer)
    assert the_badge().credential_id not in text(answer)  # nothing shown of unverified claims


def test_a_revoked_badge_is_reported_revoked(world, client):
    badge = the_badge("module")
    awards.revoke(badge, None, "Quiz fait par un tiers", utcnow())
    db.session.commit()
    answer = submit(client, token=badge.jwt)
    assert answer.status_code == 422
    page = text(answer)
    assert "Ce badge a été retiré" in page and f'href="/verify/{badge.uuid}"' in page


def test_an_expired_badge_is_reported_expired(world, app, client, clock):
    app.config["BADGE_VALID_DAYS"] = 30
    facts = {"programme": "Formation", "modules": [{"slug": "m1", "title": "Module", "order": 1}]}
    holder = User(sub="holder-of-a-30-day-badge")
    db.session.add(holder)
    db.session.flush()
    badge = badges.issue(holder, "module", facts, None, f"{holder.id}:module:m1", clock.now())
    db.session.commit()
    assert submit(client, token=badge.jwt).status_code == 200
    clock.advance(31 * 86400)
    answer = submit(client, token=badge.jwt)
    assert answer.status_code == 422 and "Ce badge a expiré le" in text(answer)


@pytest.mark.parametrize(
    ("token", "image", "message"),
    [
        (None, b"%PDF-1.4 not an image", "pas une image PNG"),
        (None, baking.png(baking.draw("Titre", "Parcours", "Émetteur")), "ne contient aucun badge"),
        ("bonjour, voici mon badge", None, "pas un badge au format JWT"),
        ("a.b.c", None, "pas un badge au format JWT"),
        ("", None, "Collez le texte"),
        (None, None, "Collez le texte"),
    ],
)
def test_what_holds_no_badge_gets_a_422_with_its_message(world, client, token, image, message):
    answer = submit(client, token=token, image=image)
    assert answer.status_code == 422
    page = text(answer)
    assert message in page
    field = "image" if image else "token"
    assert f'aria-describedby="{field}-error"' in page and f'id="{field}-error"' in page


def test_an_image_sent_as_text_is_not_a_500(world, client):
    answer = client.post("/verify", data={"csrf_token": form_token(client), "image": "x"})
    assert answer.status_code == 422 and "Collez le texte" in text(answer)


def post_large(client, image: bytes):
    """Upload a large file as one in-memory body (Werkzeug's test client spools bodies over
    500 KB to a temporary file it never closes, which filterwarnings=error would report)."""
    boundary = "badge-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{form_token(client)}\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="image"; filename="badge.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + image
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        "/verify", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_a_file_over_two_megabytes_is_refused_and_a_huge_one_is_not_even_parsed(world, client):
    big = received.PNG_MAGIC + b"\0" * received.MAX_BYTES
    answer = post_large(client, big)
    assert answer.status_code == 422 and f"dépasse 2{NBSP}Mo" in text(answer)
    huge = received.PNG_MAGIC + b"\0" * (4 * received.MAX_BYTES)
    assert post_large(client, huge).status_code == 413


def test_a_post_without_the_csrf_token_is_refused(world, client):
    form_token(client)  # a session exists; the token is simply not sent
    answer = client.post("/verify", data={"token": the_badge().jwt})
    assert answer.status_code == 400
    assert "Signature vérifiée" not in text(answer)


def test_the_form_is_rate_limited_like_verify(world, app, client):
    app.config["VERIFY_RATE_LIMIT"] = "2/minute"
    assert [client.get("/verify").status_code for _ in range(3)] == [200, 200, 429]
    posts = [client.post("/verify", data={"token": "x"}).status_code for _ in range(3)]
    assert posts == [400, 400, 429]  # limited before the token is even read


def test_the_form_and_its_messages_in_english(world, client):
    english = {"Accept-Language": "en"}
    assert "Check a badge you received" in text(client.get("/verify", headers=english))
    g.pop("csrf_token", None)
    data = {"csrf_token": form_token(client), "token": "bonjour"}
    answer = client.post("/verify", data=data, headers=english)
    assert answer.status_code == 422 and "is not a badge in JWT format" in text(answer)
