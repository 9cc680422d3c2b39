"""Issued credentials: certificates of completion and their Open Badges, immutable once recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import utcnow
from ..extensions import db

PROGRAMME, MODULE = "programme", "module"
KINDS = (PROGRAMME, MODULE)
# What a verifier is told about a certificate.
VALID, REVOKED, SUPERSEDED = "valid", "revoked", "superseded"
# Columns a recorded certificate never changes: what the PDF shows and who it is for.
CONTENT_COLUMNS = frozenset(
    {"code", "kind", "user_id", "context_id", "learner_name", "facts", "issued_at", "issued_by_id"}
)


class Certificate(db.Model):
    """A certificate of completion (certificat de réalisation), checkable by its code.

    The row holds the facts the PDF shows (`facts`, a JSON snapshot), so the PDF is rendered
    again identically from it. Revocation and supersession have their own columns; reissuing
    creates a new row. Erasure of the person revokes the row and removes their name (in bulk).
    """

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=PROGRAMME)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The course run it was earned in (scopes coordinators, filters bulk downloads).
    context_id: Mapped[int | None] = mapped_column(
        ForeignKey("contexts.id", ondelete="SET NULL"), index=True
    )
    learner_name: Mapped[str | None] = mapped_column(String(255))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # user:kind:modules of an active certificate, NULL once revoked or superseded: the database
    # refuses a second active certificate for the same modules (two requests completing at once).
    active_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )

    @property
    def status(self) -> str:
        """valid, revoked or superseded (revocation wins)."""
        if self.revoked_at is not None:
            return REVOKED
        if self.superseded_at is not None:
            return SUPERSEDED
        return VALID

    @property
    def module_slugs(self) -> list[str]:
        """Slugs of the modules the certificate covers."""
        return [m.get("slug", "") for m in (self.facts or {}).get("modules", [])]


@event.listens_for(Certificate, "before_update")
def _immutable(_mapper, _conn, target: Certificate) -> None:
    state = inspect(target)
    changed = [c for c in CONTENT_COLUMNS if state.attrs[c].history.has_changes()]
    if changed:
        raise ValueError(f"a recorded certificate is immutable: {sorted(changed)}")


@event.listens_for(Certificate, "before_delete")
def _kept(_mapper, _conn, _target) -> None:
    raise ValueError("certificates are kept: revoke instead")


# Columns a recorded badge never changes: the credential as signed and whom it is for (erasure
# clears `jwt`, `user_id` and `context_id` in bulk). `certificate_id` may go from NULL to a
# certificate once (a certificate issued later for the same achievement is linked to it).
BADGE_COLUMNS = frozenset(
    {"credential_id", "jwt", "kid", "issued_at", "valid_until", "user_id", "kind", "module_slug"}
)


class Badge(db.Model):
    """An Open Badges 3.0 credential (compact VC-JWT, as signed) of a module or the programme.

    Every completed module and the completed programme get one, whatever CERTIFICATES_FOR says.
    When a certificate exists for the same achievement the badge is linked to it and takes its
    status (`status`): revoking or superseding the certificate revokes the badge, and the two can
    never disagree. A badge without a certificate has its own revoked/superseded columns. The JWT
    is kept as issued, so a later key rotation does not change it.
    """

    __tablename__ = "badges"

    id: Mapped[int] = mapped_column(primary_key=True)
    # urn:uuid:<uuid4>: the credential's `id` and the JWT's `jti`.
    credential_id: Mapped[str] = mapped_column(String(45), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    context_id: Mapped[int | None] = mapped_column(ForeignKey("contexts.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20), default=PROGRAMME)
    module_slug: Mapped[str | None] = mapped_column(String(100))
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), unique=True
    )
    # user:kind:modules of a standing badge, NULL once it no longer stands: the database refuses
    # a second standing badge for the same achievement (two requests completing at once).
    active_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    # NULL once the holder's personal data was erased (the row stays for the revocation list).
    jwt: Mapped[str | None] = mapped_column(Text)
    kid: Mapped[str] = mapped_column(String(64), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Only for a badge without a certificate (a linked badge takes its certificate's status).
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    certificate: Mapped[Certificate | None] = relationship(lazy="joined")

    @property
    def uuid(self) -> str:
        """The credential id without its urn:uuid: prefix (as /verify/<uuid> takes it)."""
        return self.credential_id.removeprefix("urn:uuid:")

    @property
    def status(self) -> str:
        """Its certificate's status if it has one, else its own (revocation wins)."""
        if self.certificate is not None:
            return self.certificate.status
        if self.revoked_at is not None:
            return REVOKED
        if self.superseded_at is not None:
            return SUPERSEDED
        return VALID

    @property
    def reason(self) -> str | None:
        """Why it was revoked (its certificate's reason when linked)."""
        if self.certificate is not None:
            return self.certificate.revoked_reason
        return self.revoked_reason

    @property
    def stands(self) -> bool:
        """Still the learner's badge for its achievement (neither revoked nor replaced)."""
        if self.certificate is not None:
            return self.certificate.active_key is not None
        return self.active_key is not None and self.status == VALID


@event.listens_for(Badge, "before_update")
def _badge_immutable(_mapper, _conn, target: Badge) -> None:
    state = inspect(target)
    changed = [c for c in BADGE_COLUMNS if state.attrs[c].history.has_changes()]
    linked = state.attrs["certificate_id"].history
    if linked.has_changes() and any(old is not None for old in linked.deleted):
        changed.append("certificate_id")  # linking once is allowed, relinking is not
    if changed:
        raise ValueError(f"an issued badge is immutable: {sorted(changed)}")


@event.listens_for(Badge, "before_delete")
def _badge_kept(_mapper, _conn, _target) -> None:
    raise ValueError("badges are kept: revoke them instead")
