"""Learner state: lesson views, quiz attempts, submissions, progress and completion."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The learner pages."""
    from . import models  # noqa: F401 - registers the learning tables
    from .views import bp

    app.register_blueprint(bp)
    from . import personal_data  # export and erasure of what this domain stores

    personal_data.init_app(app)
