"""Which badges a learner is due, linking them to certificates, revoking them (flush only).

Every completed module and the completed programme get a badge, whatever CERTIFICATES_FOR says.
A badge is keyed like a certificate (learner, kind, set of modules): when a certificate holds the
same key the badge is linked to it and follows its status; otherwise it stands on its own and a
coordinator revokes it directly. Issuing is idempotent: the standing badge of an achievement is
returned rather than signed again, and the database refuses a second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from ..mentoring import audit
from . import badges
from . import facts as F
from .models import MODULE, PROGRAMME, REVOKED, VALID, Badge, Certificate

Module = tuple[str, str, int, str, int]


class BadgeError(ValueError):
    """An action the badge's state does not allow (linked to a certificate, already revoked)."""


def _take(key: str) -> Badge | None:
    """The standing badge holding `key`; a badge that no longer stands gives its key up."""
    current = badges.standing(key)
    if current is not None and not current.stands:
        current.active_key = None
        db.session.flush()
        return None
    return current


def for_certificate(cert: Certificate, now: datetime) -> Badge | None:
    """A certificate's badge: its own, else the standing one of the same achievement (linked to
    it rather than issued twice), else a new one; None for a withdrawn certificate."""
    found = badges.badge_of_certificate(cert.id)
    if found is not None:
        return found
    if cert.user_id is None or cert.status != VALID or cert.active_key is None:
        return None
    user = db.session.get(User, cert.user_id)
    if user is None:
        return None
    current = _take(cert.active_key)
    if current is not None:
        if current.certificate_id is None:
            # From now on it takes the certificate's status.
            current.certificate_id, current.certificate = cert.id, cert
            db.session.flush()
        return current
    return badges.issue(
        user, cert.kind, cert.facts or {}, cert.context_id, cert.active_key, now, cert
    )


def award(user_id: int, kind: str, modules: Sequence[Module], now: datetime) -> Badge | None:
    """The badge of a module ([module]) or of the programme (its modules), issued if none stands.

    A new programme badge (the programme grew) supersedes the learner's older ones.
    """
    key = F.active_key(user_id, kind, [m[0] for m in modules])
    cert = db.session.scalar(select(Certificate).where(Certificate.active_key == key))
    if cert is not None:
        return for_certificate(cert, now)
    current = _take(key)
    if current is not None:
        return current
    user = db.session.get(User, user_id)
    if user is None or badges.base_url() is None:
        return None  # signed later (progress page, download) where a base URL is known
    context_id, snapshot = F.snapshot(user, kind, list(modules), now)
    badge = badges.issue(user, kind, snapshot, context_id, key, now)
    if badge is not None and kind == PROGRAMME:
        _supersede_programme(user_id, badge, now)
    db.session.flush()
    return badge


def _supersede_programme(user_id: int, newer: Badge, now: datetime) -> None:
    # A linked badge follows its certificate, which issue_programme supersedes itself.
    for old in db.session.scalars(
        select(Badge).where(
            Badge.user_id == user_id,
            Badge.kind == PROGRAMME,
            Badge.certificate_id.is_(None),
            Badge.active_key.is_not(None),
            Badge.id != newer.id,
        )
    ):
        old.active_key, old.superseded_at = None, now


def on_completed(user_id: int, slug: str, now: datetime) -> None:
    """The badges a completed module brings: its own, and the programme's once all are done."""
    programme = F.programme()
    module = next((m for m in programme.modules if m[0] == slug), None)
    if module is not None:
        award(user_id, MODULE, [module], now)
    done = F.completed(user_id)
    if programme.modules and all(s in done for s in programme.slugs):
        award(user_id, PROGRAMME, programme.modules, now)


def _withdrawn(rows: list, kind: str, slugs: list[str]) -> bool:
    """A badge or certificate of this achievement was revoked: never replaced behind one's back."""
    for row in rows:
        if row.kind != kind or row.status != REVOKED:
            continue
        covered = row.module_slugs if isinstance(row, Certificate) else [row.module_slug]
        # A revoked programme badge without a certificate does not say which modules it covered.
        if (kind == PROGRAMME and isinstance(row, Badge)) or sorted(covered) == sorted(slugs):
            return True
    return False


def ensure_due(
    user_id: int, now: datetime, certs: list[Certificate] | None = None,
    held: list[Badge] | None = None,
) -> int:  # fmt: skip
    """Sign the badges a learner is due but never got (completed where no base URL was known,
    or before badges existed); how many were signed. Nothing is re-issued after a revocation.

    `certs` and `held` are the learner's certificates and badges when the caller has them.
    """
    if badges.base_url() is None:
        return 0
    if certs is None:
        certs = list(db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)))
    if held is None:
        held = list(db.session.scalars(select(Badge).where(Badge.user_id == user_id)))
    linked = {b.certificate_id for b in held}
    signed = 0
    for cert in certs:
        if cert.active_key is not None and cert.id not in linked:
            signed += for_certificate(cert, now) is not None
    had = {(b.kind, b.module_slug) for b in held if b.stands or b.status == REVOKED}
    programme, done = F.programme(), F.completed(user_id)
    rows = certs + held
    for module in programme.modules:
        slug = module[0]
        if slug in done and (MODULE, slug) not in had and not _withdrawn(rows, MODULE, [slug]):
            signed += award(user_id, MODULE, [module], now) is not None
    complete = programme.modules and all(s in done for s in programme.slugs)
    key = F.active_key(user_id, PROGRAMME, list(programme.slugs))
    due = complete and badges.standing(key) is None
    if due and not _withdrawn(rows, PROGRAMME, list(programme.slugs)):
        signed += award(user_id, PROGRAMME, programme.modules, now) is not None
    return signed


def revoke(badge: Badge, actor_id: int | None, reason: str, now: datetime) -> None:
    """Withdraw a badge that has no certificate, with the reason a verifier is shown (audited)."""
    reason = (reason or "").strip()
    if not reason:
        raise BadgeError("a reason is required")
    if badge.certificate_id is not None:
        raise BadgeError("linked to a certificate: revoke the certificate")
    if badge.revoked_at is not None:
        raise BadgeError("already revoked")
    badge.active_key = None
    badge.revoked_at, badge.revoked_reason = now, reason
    audit.record(
        actor_id,
        "badge.revoke",
        f"user:{badge.user_id}" if badge.user_id else f"badge:{badge.id}",
        now,
        details={"badge": badge.credential_id, "kind": badge.kind, "module": badge.module_slug},
        reason=reason,
        context_pk=badge.context_id,
    )
    db.session.flush()
