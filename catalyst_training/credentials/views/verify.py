"""The public verification page: no login, no iframe needed; who, what, when, still valid."""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, render_template
from flask_limiter.util import get_remote_address

from ...core.limiter import VERIFY, limiter
from ...core.models import aware
from ...extensions import db
from .. import services
from ..models import Certificate
from ..pdf import duration
from .blueprint import bp


def _rate() -> str:
    return str(current_app.config.get("VERIFY_RATE_LIMIT") or "60/minute")


@bp.get("/verify/<code>")
@limiter.limit(_rate, key_func=get_remote_address, error_message=VERIFY)
def verify(code: str):
    """What a third party checks: the holder's name as printed, the training, dates, status."""
    cert = services.by_code(code)
    if cert is None:
        abort(404)
    newer = db.session.get(Certificate, cert.superseded_by_id) if cert.superseded_by_id else None
    response = current_app.make_response(
        render_template(
            "credentials/verify.html",
            cert=cert,
            facts=cert.facts or {},
            issued_at=aware(cert.issued_at),
            revoked_at=aware(cert.revoked_at),
            superseded_at=aware(cert.superseded_at),
            newer=newer,
            hours=duration((cert.facts or {}).get("minutes", 0)),
            completed_on={
                m.get("slug"): datetime.fromisoformat(m["completed_at"])
                for m in (cert.facts or {}).get("modules", [])
                if m.get("completed_at")
            },
        )
    )
    # A verification page is for the person given the code, not for search engines.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
