"""Fixtures for learning records: a Ralph LRS, configured as the test platform's LRS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from catalyst_training.delivery.xapi import endpoints
from catalyst_training.extensions import db
from tests.delivery.xapi.ralph import PASSWORD, USER, Ralph, ralph_command


@pytest.fixture(scope="session")
def ralph_server(tmp_path_factory) -> Iterator[Ralph]:
    """One Ralph LRS for the session (tests tell their statements apart by their learners)."""
    if ralph_command() is None:
        pytest.fail("ralph-malph is missing: install the test extras")
    with Ralph(tmp_path_factory.mktemp("ralph")) as server:
        yield server


@pytest.fixture
def lrs(app, ralph_server):
    """The global LRS of the tool is the session's Ralph."""
    found = endpoints.configure(None, ralph_server.base_url, USER, PASSWORD)
    db.session.commit()
    return found
