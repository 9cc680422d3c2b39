"""Fixtures for grade passback: fast retries, a clean token memo, a gradebook on the platform."""

from __future__ import annotations

import pytest

from catalyst_training.lti import oauth
from tests.delivery.helpers import Gradebook


@pytest.fixture
def outbox(app):
    """Fast retries for tests; a clean process-local token memo."""
    app.config.update(OUTBOX_BACKOFF_BASE=0.05, OUTBOX_BACKOFF_MAX=1, OUTBOX_CLAIM_SECONDS=30)
    oauth._tokens.clear()
    yield app
    oauth._tokens.clear()


@pytest.fixture
def gradebook(outbox, platform) -> Gradebook:
    """A course on the test platform with AGS."""
    return Gradebook(platform)
