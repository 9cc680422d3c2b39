"""Fixtures for grade passback: a manual clock, a clean token memo, a gradebook on the platform."""

from __future__ import annotations

import pytest

from catalyst_training.lti import oauth
from tests.delivery.helpers import Gradebook


@pytest.fixture
def outbox(app, clock):
    """The default retry delays on a manual clock (tests advance it past a retry instead of
    waiting for it); a clean process-local token memo."""
    oauth._tokens.clear()
    yield app
    oauth._tokens.clear()


@pytest.fixture
def gradebook(outbox, platform) -> Gradebook:
    """A course on the test platform with AGS."""
    return Gradebook(platform)
