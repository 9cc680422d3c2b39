"""Open Badges: the holder's downloads (JSON, JWT, baked PNG) and what verifiers fetch.

The public documents (the issuer's profile, the keys by kid, the revocation list, achievement
images) are what a third party needs to check a badge without us: no login, CORS open,
rate limited like the verification page.
"""

from __future__ import annotations

import json
import re

from flask import Response, abort, current_app
from flask_limiter.util import get_remote_address

from ...core.clock import clock_of
from ...core.limiter import VERIFY, limiter
from ...extensions import db
from ...learning.modules import current_module
from .. import awards, badges, baking, openbadge
from ..models import MODULE, Badge, Certificate
from .blueprint import ANY, badge_for, base_url, bp, certificate_for, viewer
from .verify import verify_rate

KID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ACHIEVEMENT = re.compile(r"^(programme|module-[a-z0-9][a-z0-9-]{0,80})$")


def _holder_badge(certificate_id: int) -> tuple[Certificate, Badge]:
    """The certificate the viewer may reach and its badge (signed now for an older one)."""
    cert = certificate_for(viewer(*ANY), certificate_id)
    badge = awards.for_certificate(cert, clock_of().now())
    if badge is None or badge.jwt is None:
        abort(404)  # a certificate withdrawn before it had a badge has none
    db.session.commit()
    return cert, badge


def _download(body: bytes | str, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _public(payload: dict, mimetype: str = "application/json", max_age: int = 300) -> Response:
    response = Response(json.dumps(payload, ensure_ascii=False, indent=2), mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


def badge_image(badge: Badge):
    """The drawing of a badge: its achievement's title, the programme and the issuer, as signed."""
    credential = badges.credential_of(badge)
    title = credential["credentialSubject"]["achievement"]["name"]
    issuer = credential["issuer"]["name"]
    programme = str(current_app.config["CERTIFICATE_PROGRAMME"])
    subtitle = programme if badge.kind == MODULE else "Parcours complet"
    return baking.draw(title, subtitle, issuer)


def _files(badge: Badge, fmt: str, name: str | None = None) -> Response:
    """One of a badge's three downloads: the credential (JSON), the JWT, the baked PNG."""
    name = name or f"badge-{badge.module_slug or 'parcours'}"
    if fmt == "json":
        body = json.dumps(badges.credential_of(badge), ensure_ascii=False, indent=2)
        return _download(body, "application/json", f"{name}.json")
    if fmt == "jwt":
        return _download(badge.jwt, "application/jwt", f"{name}.jwt")
    return _download(baking.png(badge_image(badge), badge.jwt), "image/png", f"{name}.png")


@bp.get("/certificates/<int:certificate_id>/badge.json")
def badge_json(certificate_id: int):
    """The OpenBadgeCredential of a certificate as signed, in JSON (what the JWT carries)."""
    cert, badge = _holder_badge(certificate_id)
    return _files(badge, "json", f"badge-{cert.code}")


@bp.get("/certificates/<int:certificate_id>/badge.jwt")
def badge_jwt(certificate_id: int):
    """A certificate's signed badge: the compact VC-JWT, as a wallet imports it."""
    cert, badge = _holder_badge(certificate_id)
    return _files(badge, "jwt", f"badge-{cert.code}")


@bp.get("/certificates/<int:certificate_id>/badge.png")
def badge_png(certificate_id: int):
    """A certificate's badge image, baked with the signed credential (iTXt)."""
    cert, badge = _holder_badge(certificate_id)
    return _files(badge, "png", f"badge-{cert.code}")


@bp.get("/badges/<int:badge_id>.json")
def held_badge_json(badge_id: int):
    """A badge (module or programme) as signed, in JSON."""
    return _files(badge_for(viewer(*ANY), badge_id), "json")


@bp.get("/badges/<int:badge_id>.jwt")
def held_badge_jwt(badge_id: int):
    """A badge (module or programme): the compact VC-JWT."""
    return _files(badge_for(viewer(*ANY), badge_id), "jwt")


@bp.get("/badges/<int:badge_id>.png")
def held_badge_png(badge_id: int):
    """A badge (module or programme): the image baked with its JWT (iTXt `openbadgecredential`)."""
    return _files(badge_for(viewer(*ANY), badge_id), "png")


@bp.get("/credentials/keys/<kid>")
@limiter.limit(verify_rate, key_func=get_remote_address, error_message=VERIFY)
def badge_key(kid: str):
    """The public JWK a badge's `kid` names (kept while a badge it signed exists)."""
    jwk = badges.public_key(kid) if KID.match(kid) else None
    if jwk is None:
        abort(404)
    return _public(jwk, "application/jwk+json", 3600)


@bp.get("/credentials/revocations.json")
@limiter.limit(verify_rate, key_func=get_remote_address, error_message=VERIFY)
def revocations():
    """The revocation list every badge's `credentialStatus` points at."""
    response = _public(badges.revocation_list(base_url()), max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/credentials/issuer")
@limiter.limit(verify_rate, key_func=get_remote_address, error_message=VERIFY)
def issuer():
    """The issuer's profile (the `issuer.id` of every badge)."""
    profile = {"@context": openbadge.CONTEXTS, **openbadge.issuer_profile(base_url())}
    return _public(profile, max_age=3600)


@bp.get("/credentials/achievements/<name>.png")
@limiter.limit(verify_rate, key_func=get_remote_address, error_message=VERIFY)
def achievement_image(name: str):
    """An achievement's image (the badge drawing, not baked)."""
    cfg = current_app.config
    if not ACHIEVEMENT.match(name):
        abort(404)
    if name == "programme":
        image = baking.draw(
            cfg["CERTIFICATE_PROGRAMME"], "Parcours complet", cfg["CERTIFICATE_ISSUER"]
        )
    else:
        module, _version = current_module(name.removeprefix("module-"))
        if module is None:
            abort(404)
        image = baking.draw(module.title, cfg["CERTIFICATE_PROGRAMME"], cfg["CERTIFICATE_ISSUER"])
    response = Response(baking.png(image), mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
