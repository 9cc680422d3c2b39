"""User, Context (course run), ResourceLink and Membership."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_login import UserMixin
from sqlalchemy import JSON, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import TimestampMixin
from ..extensions import db


class User(UserMixin, TimestampMixin, db.Model):
    """A person: known by (platform, sub) from LTI, or by email for local coordinator accounts."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("platform_id", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # platforms.id lives in the lti domain; referenced by table name to keep layers one-way.
    platform_id: Mapped[int | None] = mapped_column(
        ForeignKey("platforms.id", ondelete="CASCADE"), index=True
    )
    sub: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    given_name: Mapped[str | None] = mapped_column(String(255))
    family_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_coordinator_account: Mapped[bool] = mapped_column(default=False)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    @property
    def display_name(self) -> str:
        """Name to show: the platform's name when shared, else a stable pseudonym."""
        if self.name:
            return self.name
        full = " ".join(p for p in (self.given_name, self.family_name) if p)
        if full:
            return full
        if self.email:
            return self.email
        # Platforms such as Open edX share no name: show a short, stable pseudonym instead.
        return _("Participant %(ref)s", ref=(self.sub or str(self.id))[:8])


class Context(TimestampMixin, db.Model):
    """A course run on a platform (LTI context)."""

    __tablename__ = "contexts"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    label: Mapped[str | None] = mapped_column(String(255))
    memberships_url: Mapped[str | None] = mapped_column(String(2048))

    resource_links: Mapped[list[ResourceLink]] = relationship(back_populates="context")


class ResourceLink(TimestampMixin, db.Model):
    """A placement of the tool in a course, showing one module (or the programme)."""

    __tablename__ = "resource_links"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    context_id: Mapped[int | None] = mapped_column(
        ForeignKey("contexts.id", ondelete="CASCADE"), index=True
    )
    resource_link_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    module_slug: Mapped[str | None] = mapped_column(String(100))
    lineitem_url: Mapped[str | None] = mapped_column(String(2048))
    lineitems_url: Mapped[str | None] = mapped_column(String(2048))
    ags_scopes: Mapped[list[str] | None] = mapped_column(JSON)

    context: Mapped[Context | None] = relationship(back_populates="resource_links")


class Membership(TimestampMixin, db.Model):
    """A user's role in a context: the app role and the raw LTI roles it came from."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(
        ForeignKey("contexts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    lti_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    custom: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user: Mapped[User] = relationship(back_populates="memberships")
    context: Mapped[Context] = relationship()
