"""Fixtures of the mentoring tests."""

import pytest

from tests.mentoring.helpers import build_world


@pytest.fixture
def world(app, programme):
    """Two cohorts, two mentors, a coordinator, two learners, the sample programme."""
    return build_world()
