"""Notification pages."""

from __future__ import annotations

from flask import Flask, has_request_context

from . import console, links, settings  # noqa: F401 - routes attach to bp on import
from .blueprint import bp


def install_navigation(app: Flask) -> None:
    """Give the layout a link to the person's notification settings when a session exists."""
    from ...auth.services import get_acting

    @app.context_processor
    def _notification_link() -> dict:
        # A mail rendered by the worker has no request, hence no session.
        return {"notifications_nav": has_request_context() and get_acting() is not None}


__all__ = ["bp", "install_navigation"]
