"""Fixtures shared by the LTI tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.lti.test_dynamic_registration import FakeMoodle
from tests.platform import TestPlatform


@pytest.fixture
def moodle(live) -> Iterator[FakeMoodle]:
    """A TestPlatform for launches and a fake Moodle for registration, both over HTTP."""
    with TestPlatform(live.base_url) as plat:
        fake = FakeMoodle(plat)
        with fake.server:
            plat.issuer = fake.base_url
            yield fake
