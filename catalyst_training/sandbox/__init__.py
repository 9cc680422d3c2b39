"""The demo platform: a fake MOOC course page that launches the tool (demo mode only)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the sandbox pages when the app runs in demo mode, never otherwise."""
    if not app.config.get("DEMO"):
        return
    from .views import bp

    app.register_blueprint(bp)
