"""Fixtures of the reporting tests."""

import pytest

from tests.reporting.helpers import build_reporting_world


@pytest.fixture
def world(app, programme):
    """Two cohorts, mentors, a coordinator, two learners with progress, the sample programme."""
    return build_reporting_world()
