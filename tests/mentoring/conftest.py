"""Fixtures of the mentoring tests."""

import pytest

from tests.mentoring.helpers import add_platform_b, build_world


@pytest.fixture
def world(app, programme):
    """Two cohorts, two mentors, a coordinator, two learners, the sample programme."""
    return build_world()


@pytest.fixture
def platform_b(world):
    """A second platform with its own "course-1", coordinator, learner and mentor."""
    return add_platform_b(world)
