"""Shared building blocks used by at least three domains."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Logging, error pages, security headers, templating, rate limits, outages, health."""
    from . import converters, errors, limiter, logging, outage, security, templating
    from .views import bp

    converters.init_app(app)
    logging.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    limiter.init_app(app)
    outage.init_app(app)
    app.register_blueprint(bp)
