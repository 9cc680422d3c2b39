"""Issuing, reissuing and revoking certificates, with their badges (flush only; caller commits)."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..extensions import db
from ..mentoring import audit
from . import awards
from . import facts as F
from .models import MODULE, PROGRAMME, Certificate

# 15 random bytes: 120 bits, 20 URL-safe characters.
CODE_BYTES = 15
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,40}$")


class CertificateError(ValueError):
    """An action the certificate's state does not allow (already revoked, superseded...)."""


def printed_name(user: User) -> str:
    """The name as the certificate prints it: `display_name`, in French (the PDF's language).

    Forced, not the request's: the same person gets the same name whoever's action issued it,
    and issuing outside a request (CLI, worker) needs no locale selector.
    """
    with force_locale("fr"):
        return str(user.display_name)


def new_code() -> str:
    """A random, unguessable verification code, starting with a letter or digit.

    A leading "-" would read as an option on a command line (`certificates revoke CODE`).
    """
    while True:
        code = secrets.token_urlsafe(CODE_BYTES)
        if code[0].isalnum():
            return code


def by_code(code: str) -> Certificate | None:
    """The certificate of a verification code, None for an unknown or malformed one."""
    if not CODE_PATTERN.match(code or ""):
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def certificates_of(user_id: int) -> list[Certificate]:
    """A learner's certificates, newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def _active(user_id: int, kind: str) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate).where(
                Certificate.user_id == user_id,
                Certificate.kind == kind,
                Certificate.active_key.is_not(None),
            )
        )
    )


def _record(
    user: User, kind: str, modules, now: datetime, issued_by_id: int | None
) -> Certificate | None:
    """Insert a certificate; None when an active one for the same modules won the race."""
    context_id, snapshot = F.snapshot(user, kind, list(modules), now)
    cert = Certificate(
        code=new_code(),
        kind=kind,
        user_id=user.id,
        context_id=context_id,
        learner_name=printed_name(user),
        facts=snapshot,
        issued_at=now,
        issued_by_id=issued_by_id,
        active_key=F.active_key(user.id, kind, [m[0] for m in modules]),
    )
    try:
        with db.session.begin_nested():
            db.session.add(cert)
    except IntegrityError:
        return None
    awards.for_certificate(cert, now)  # its Open Badge, in the same transaction
    return cert


def _supersede(old: Certificate, new: Certificate, now: datetime) -> None:
    old.active_key = None
    old.superseded_at = now
    old.superseded_by_id = new.id


def issue_programme(
    user_id: int, now: datetime, *, issued_by_id: int | None = None
) -> Certificate | None:
    """The programme certificate, once every current module is completed (idempotent)."""
    programme = F.programme()
    done = F.completed(user_id)
    if not programme.modules or any(slug not in done for slug in programme.slugs):
        return None
    wanted = set(programme.slugs)
    active = _active(user_id, PROGRAMME)
    if any(wanted <= set(c.module_slugs) for c in active):
        return None
    user = db.session.get(User, user_id)
    cert = _record(user, PROGRAMME, programme.modules, now, issued_by_id) if user else None
    # An earlier programme certificate (fewer modules then) is superseded by the fuller one.
    for old in active if cert is not None else []:
        _supersede(old, cert, now)
    db.session.flush()
    return cert


def issue_module(
    user_id: int, slug: str, now: datetime, *, issued_by_id: int | None = None
) -> Certificate | None:
    """A certificate for one completed module (idempotent)."""
    module = next((m for m in F.programme().modules if m[0] == slug), None)
    if module is None or slug not in F.completed(user_id):
        return None
    if any(c.module_slugs == [slug] for c in _active(user_id, MODULE)):
        return None
    user = db.session.get(User, user_id)
    cert = _record(user, MODULE, [module], now, issued_by_id) if user else None
    db.session.flush()
    return cert


def on_module_completed(user_id: int, slug: str, now: datetime) -> None:
    """learning's completion hook: the certificates CERTIFICATES_FOR says are due, then the
    module's badge and, once every module is done, the programme's (whatever that setting)."""
    if current_app.config.get("CERTIFICATES_FOR", PROGRAMME) == MODULE:
        issue_module(user_id, slug, now)
    else:
        issue_programme(user_id, now)
    awards.on_completed(user_id, slug, now)


def issue_due(user_id: int, now: datetime, *, issued_by_id: int | None = None) -> list:
    """Every certificate due to a learner and not issued yet (for the CLI and backfills)."""
    if current_app.config.get("CERTIFICATES_FOR", PROGRAMME) != MODULE:
        cert = issue_programme(user_id, now, issued_by_id=issued_by_id)
        return [cert] if cert else []
    found = [issue_module(user_id, s, now, issued_by_id=issued_by_id) for s in F.completed(user_id)]
    return [c for c in found if c is not None]


def reissue(cert: Certificate, actor_id: int | None, reason: str, now: datetime) -> Certificate:
    """A new certificate for the same modules with today's facts; the old one is superseded."""
    if cert.status != "valid" or cert.user_id is None:
        raise CertificateError("only a valid certificate can be reissued")
    user = db.session.get(User, cert.user_id)
    current = {m[0]: m for m in F.programme().modules}
    modules = [
        current.get(m["slug"])
        or (m["slug"], m["title"], m.get("order", 0), m.get("version", ""), m.get("minutes", 0))
        for m in cert.facts.get("modules", [])
    ]
    key = cert.active_key
    cert.active_key = None  # freed first: the new row takes the same key
    db.session.flush()
    new = _record(user, cert.kind, modules, now, actor_id)
    if new is None:
        cert.active_key = key
        raise CertificateError("another certificate was issued meanwhile")
    db.session.flush()
    _supersede(cert, new, now)
    _audit(actor_id, "certificate.reissue", cert, now, reason, {"new": new.code})
    db.session.flush()
    return new


def revoke(
    cert: Certificate, actor_id: int | None, reason: str, now: datetime, *, via: dict | None = None
) -> None:
    """Withdraw a certificate, with the reason a verifier is shown (audited)."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("a reason is required")
    if cert.revoked_at is not None:
        raise CertificateError("already revoked")
    cert.active_key = None
    cert.revoked_at, cert.revoked_reason, cert.revoked_by_id = now, reason, actor_id
    _audit(actor_id, "certificate.revoke", cert, now, reason, via or {})
    db.session.flush()


def _audit(actor_id, action: str, cert: Certificate, now: datetime, reason: str, more) -> None:
    audit.record(
        actor_id,
        action,
        f"user:{cert.user_id}" if cert.user_id else f"certificate:{cert.id}",
        now,
        details={"certificate": cert.code, "kind": cert.kind, **more},
        reason=reason or None,
        context_pk=cert.context_id,
    )
