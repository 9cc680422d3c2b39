"""Jinja helpers shared by every domain's templates."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, get_locale


def current_lang() -> str:
    """Two-letter language of the current request."""
    locale = get_locale()
    return locale.language if locale else "fr"


def format_dt(value: datetime | None, fmt: str = "medium") -> str:
    """A date and time in the user's language and the programme's timezone; '—' when unset."""
    return format_datetime(value, fmt) if value else "—"


def init_app(app: Flask) -> None:
    """Register the helpers."""
    app.jinja_env.globals["current_lang"] = current_lang
    app.jinja_env.filters["format_dt"] = format_dt
