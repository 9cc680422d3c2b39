"""Fixtures of the notification tests: a real SMTP server, a mentoring world with addresses."""

from __future__ import annotations

import pytest

from catalyst_training.extensions import db
from tests.mentoring.helpers import build_world
from tests.notifications.smtp_server import SmtpServer


@pytest.fixture
def smtp(app):
    """A running aiosmtpd server, and the app configured to send through it."""
    server = SmtpServer()
    server.start()
    app.config.update(
        SMTP_URL=server.url,
        MAIL_FROM="formation@catalyst.example",
        MAIL_REPLY_TO="equipe@catalyst.example",
        BASE_URL="https://tool.example",
        NOTIFY_SCAN_SECONDS=0,
        OUTBOX_BACKOFF_BASE=10,
        OUTBOX_BACKOFF_MAX=60,
    )
    yield server
    server.stop()


@pytest.fixture
def world(app, programme):
    """The mentoring world (two cohorts, mentors, coordinator, learners) with platform emails."""
    found = build_world()
    found.mentor_a.email = "mentor.a@example.org"
    found.mentor_b.email = "mentor.b@example.org"
    found.learner_a.email = "learner.a@example.org"
    found.learner_b.email = "learner.b@example.org"
    found.coordinator.email = "coord@example.org"
    found.learner_a.locale = "en-GB"
    db.session.commit()
    return found
