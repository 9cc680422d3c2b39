"""Base mixins shared by the models of every domain."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """A datetime read back from the database as UTC-aware (SQLite drops the zone)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def parse_date(raw: str | None) -> date | None:
    """An ISO date (YYYY-MM-DD) from user input, or None when absent or malformed."""
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


class TimestampMixin:
    """created_at / updated_at columns, set by the application."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
