"""Notifications: digests for mentors, news for learners, weekly summaries for coordinators.

Events are recorded with the changes that cause them; the outbox's worker builds one message
per person and period at send time and hands it to the SMTP server (CATALYST_SMTP_URL).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import format_date


def init_app(app: Flask) -> None:
    """Event listeners, the completion hook, the mail queue, pages, CLI and personal data."""
    from ..core import events
    from ..delivery import queues
    from . import (
        models,  # noqa: F401 - registers the notification tables
        personal_data,
        retention,
    )
    from .cli import notifications_cli
    from .events import install_listeners, on_event
    from .sending import run_batch
    from .views import bp, install_navigation

    install_listeners()
    # Lower domains cannot import us: they emit domain events (core/events.py) we listen to.
    events.listen(app, "notifications", on_event)
    queues.register_queue("mail", run_batch)
    # The worker (delivery, a lower layer) purges old messages at its hourly upkeep.
    queues.register_upkeep("notifications", retention.purge)
    app.register_blueprint(bp)
    install_navigation(app)
    # Due dates are days (the mentor picks one): shown as a date, not as a time in some zone.
    app.jinja_env.filters["format_day"] = lambda day: format_date(day, "long") if day else "—"
    app.cli.add_command(notifications_cli)
    personal_data.init_app(app)
