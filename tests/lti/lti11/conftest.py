"""Fixtures: an LTI 1.1 consumer registered with `platform add-lti11`, its outcomes service."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from catalyst_training.auth.models import User
from catalyst_training.extensions import db
from catalyst_training.lti import oauth
from catalyst_training.lti.models import Platform
from tests.lti.lti11.consumer import Consumer, OutcomesService
from tests.platform import LocalSession


@pytest.fixture
def consumer(live, cli) -> Consumer:
    """FUN MOOC's Open edX as an LTI 1.1 consumer, registered through the CLI."""
    plat = Consumer(live.base_url)
    result = cli(
        "platform", "add-lti11", "--name", "FUN MOOC (LTI 1.1)", "--consumer-key", plat.key,
        "--origin", "https://lms.fun-mooc.fr", input=plat.secret + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert plat.secret not in result.output
    return plat


@pytest.fixture
def outcomes(consumer, app, clock) -> Iterator[OutcomesService]:
    """The consumer's Basic Outcomes service over HTTP; the outbox on a manual clock."""
    oauth._tokens.clear()
    with OutcomesService(consumer.key, consumer.secret) as service:
        yield service


def consumer_row(consumer: Consumer) -> Platform:
    """The platforms row of the consumer."""
    return db.session.scalars(select(Platform).filter_by(client_id=consumer.key)).one()


def user_of(consumer: Consumer, user_id: str) -> User:
    """The tool's user for a consumer's user_id."""
    db.session.expire_all()
    row = consumer_row(consumer)
    return db.session.scalars(select(User).filter_by(platform_id=row.id, sub=user_id)).one()


def browser() -> LocalSession:
    """A browser-like session (Secure cookies over http://127.0.0.1)."""
    return LocalSession()


def me(session: LocalSession, base_url: str) -> tuple[int, dict]:
    """GET /api/me: (status, JSON)."""
    resp = session.get(f"{base_url}/api/me", timeout=10)
    return resp.status_code, resp.json()
