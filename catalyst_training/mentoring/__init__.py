"""Territories, cohorts, placements, mentors, grading and peer exchanges."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The mentor pages, the console's management pages and the peer-exchange completion rule."""
    from . import (
        models,  # noqa: F401 - registers the mentoring tables
        peer,
    )
    from .views import bp, console_bp

    peer.register_completion_rule()
    # The learner's module page shows the rubric levels of a decision (learning cannot ask us).
    from ..learning.assignments import DECISION_LEVELS
    from .review import decided_levels

    DECISION_LEVELS["review"] = decided_levels
    app.register_blueprint(bp)
    app.register_blueprint(console_bp)
    from . import personal_data  # export and erasure of what this domain stores

    personal_data.init_app(app)
