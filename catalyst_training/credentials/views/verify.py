"""The public verification page: no login, no iframe needed; who, what, when, still valid."""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, render_template
from flask_limiter.util import get_remote_address

from ...core.clock import clock_of
from ...core.limiter import VERIFY, limiter
from ...core.models import aware
from ...extensions import db
from .. import awards, badges, services
from ..models import Badge, Certificate
from ..pdf import duration
from .blueprint import bp


def verify_rate() -> str:
    """The per-IP limit of the public verification endpoints."""
    return str(current_app.config.get("VERIFY_RATE_LIMIT") or "60/minute")


@bp.get("/verify/<code>")
@limiter.limit(verify_rate, key_func=get_remote_address, error_message=VERIFY)
def verify(code: str):
    """What a third party checks: the holder's name as printed, the training, dates, status.

    `code` is a certificate's code or a badge's credential id: the page shows the certificate
    (if any) and the badge, whose signed JWT is verified here (key by kid, dates, status). A
    module or programme badge issued without a certificate is shown on its own.
    """
    cert = services.by_code(code)
    badge = None
    if cert is None:
        badge = badges.by_uuid(code)
        cert = badge.certificate if badge is not None else None
    if cert is None and badge is None:
        abort(404)
    now = clock_of().now()
    if badge is None:
        badge = awards.for_certificate(cert, now)  # a certificate from before badges gets one
        db.session.commit()
    check = badges.check(badge.jwt, now) if badge is not None and badge.jwt else None
    response = current_app.make_response(
        render_template(
            "credentials/verify.html",
            **(_certificate(cert) if cert is not None else {"cert": None}),
            badge=badge,
            achievement=_achievement(badge),
            check=check,
            valid_until=aware(badge.valid_until) if badge is not None else None,
            badge_issued_at=aware(badge.issued_at) if badge is not None else None,
            badge_revoked_at=aware(badge.revoked_at) if badge is not None else None,
            key_url=badges.kid_url(badge) if badge is not None else None,
        )
    )
    # A verification page is for the person given the code, not for search engines.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _certificate(cert: Certificate) -> dict:
    """What the page shows of a certificate."""
    facts = cert.facts or {}
    return {
        "cert": cert,
        "facts": facts,
        "issued_at": aware(cert.issued_at),
        "revoked_at": aware(cert.revoked_at),
        "superseded_at": aware(cert.superseded_at),
        "newer": db.session.get(Certificate, cert.superseded_by_id)
        if cert.superseded_by_id
        else None,
        "hours": duration(facts.get("minutes", 0)),
        "completed_on": {
            m.get("slug"): datetime.fromisoformat(m["completed_at"])
            for m in facts.get("modules", [])
            if m.get("completed_at")
        },
    }


def _achievement(badge: Badge | None) -> dict:
    """The badge's achievement and issuer as signed (nothing once its holder was erased)."""
    if badge is None or not badge.jwt:
        return {}
    credential = badges.credential_of(badge)
    found = credential["credentialSubject"]["achievement"]
    return {"name": found.get("name"), "issuer": credential["issuer"].get("name")}
