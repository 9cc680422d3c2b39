"""Fixtures of the production-profile tests: gunicorn nodes on a scratch PostgreSQL + Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.platform import TestPlatform
from tests.prod.nodes import (
    Node,
    RedisServer,
    ScratchDatabase,
    node_env,
    prepare_database,
)

PG = os.environ.get("CATALYST_TEST_DATABASE_URL")
REDIS = os.environ.get("CATALYST_TEST_REDIS_URL")

needs_services = pytest.mark.skipif(
    not (PG and REDIS), reason="CATALYST_TEST_DATABASE_URL / CATALYST_TEST_REDIS_URL unset"
)


@dataclass
class Deployment:
    """Nodes of one deployment, the platform launching them and their shared services."""

    database_url: str
    redis_url: str
    platform: TestPlatform
    nodes: list[Node] = field(default_factory=list)


def deploy(tmp: Path, database_url: str, redis_url: str, names: tuple[str, ...]) -> Deployment:
    """Create nodes (A's URL is the public one), prepare the database, start them."""
    nodes = [Node(name, tmp, {}) for name in names]
    public = nodes[0].base_url
    platform = TestPlatform(public).start()
    prepare_database(database_url, redis_url, tmp / "setup", platform)
    for node in nodes:
        node.env.update(node_env(database_url, redis_url, public, tmp / "shared"))
    started: list[Node] = []
    try:
        for node in nodes:
            started.append(node.start())
    except Exception:
        for node in started:
            node.stop()
        platform.stop()
        raise
    return Deployment(database_url, redis_url, platform, nodes)


def teardown(deployment: Deployment) -> None:
    """Stop the nodes and the platform."""
    for node in deployment.nodes:
        node.stop()
    deployment.platform.stop()


@pytest.fixture
def two_nodes(tmp_path) -> Iterator[Deployment]:
    """Two gunicorn nodes sharing a scratch PostgreSQL database and the CI Redis."""
    import redis

    with ScratchDatabase(PG) as scratch:
        deployment = deploy(tmp_path, scratch.url, REDIS, ("a", "b"))
        try:
            yield deployment
        finally:
            teardown(deployment)
            redis.Redis.from_url(REDIS).flushdb()


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    """A redis-server of our own that the test may restart (never the machine's 6379)."""
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def one_node_private_redis(tmp_path, private_redis) -> Iterator[Deployment]:
    """One gunicorn node on a scratch PostgreSQL database and a private Redis."""
    with ScratchDatabase(PG) as scratch:
        deployment = deploy(tmp_path, scratch.url, private_redis.url, ("solo",))
        try:
            yield deployment
        finally:
            teardown(deployment)
