"""Fixtures of the learning tests: a learner launched by the test platform."""

import pytest

from tests.platform import TestPlatform

SLUG = "module-exemple"


@pytest.fixture
def learner(platform):
    """A learner session launched on the sample module."""
    session = TestPlatform.session()
    result = platform.launch(session, "learner", user_id="learner-1", custom={"module": SLUG})
    assert result.response.status_code == 303
    session.base = platform.tool_base_url
    return session
