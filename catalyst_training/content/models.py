"""Stored versions of each module, so that attempts can be replayed against their content."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import utcnow
from ..extensions import db


class ModuleVersion(db.Model):
    """One content version of a module (hash of its files) with the full parsed snapshot."""

    __tablename__ = "module_versions"
    __table_args__ = (UniqueConstraint("slug", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(1024))
    # Deferred: pages need the parsed module, cached per process by (slug, version), not the JSON.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    is_current: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def module(self):
        """The Module this version holds (see content.loader.module_from_snapshot)."""
        from .loader import module_from_snapshot

        return module_from_snapshot(self.snapshot)

    def __repr__(self) -> str:
        return (
            f"<ModuleVersion {self.slug}@{self.version[:8]}{' current' if self.is_current else ''}>"
        )
