"""Fixtures: an app per test on a migrated database (SQLite copy, or PostgreSQL + Redis in CI)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, inspect, text

from catalyst_training import create_app
from catalyst_training.content.services import sync_modules
from catalyst_training.core.clock import ManualClock, install
from catalyst_training.extensions import db
from tests.platform import ServerThread, TestPlatform

TEST_DB = os.environ.get("CATALYST_TEST_DATABASE_URL")
TEST_REDIS = os.environ.get("CATALYST_TEST_REDIS_URL")
ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CONTENT = ROOT / "tests" / "content" / "modules"


def _check_services() -> None:
    # CI sets these variables: an unreachable service must fail the run, not skip tests.
    if TEST_DB:
        engine = create_engine(TEST_DB.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    if TEST_REDIS:
        import redis

        redis.Redis.from_url(TEST_REDIS).ping()


_check_services()

# Seconds a test may run before pytest-timeout fails it (a hung server thread must fail its test,
# not hang CI). A test takes the largest of its markers' budgets; an explicit
# @pytest.mark.timeout(...) or a --timeout on the command line wins.
PLAIN_TIMEOUT = 30
MARKER_TIMEOUTS = {"browser": 180, "postgres": 120, "redis": 120}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give every test without an explicit timeout the budget of its markers."""
    if config.getoption("timeout", None) is not None:
        return
    for item in items:
        if item.get_closest_marker("timeout") is not None:
            continue
        names = {marker.name for marker in item.iter_markers()}
        budgets = [seconds for name, seconds in MARKER_TIMEOUTS.items() if name in names]
        item.add_marker(pytest.mark.timeout(max(budgets, default=PLAIN_TIMEOUT)))


def base_config(instance: Path) -> dict:
    """Configuration of a test app."""
    cfg = {
        "INSTANCE_PATH": str(instance),
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "JWKS_REFETCH_INTERVAL": 0,
        # The test platforms listen on loopback; the outbound tests turn this off.
        "OUTBOUND_ALLOW": "127.0.0.0/8,::1/128",
    }
    if SAMPLE_CONTENT.is_dir():
        cfg["CONTENT_PATH"] = str(SAMPLE_CONTENT)
    if TEST_DB:
        cfg["DATABASE_URL"] = TEST_DB
    if TEST_REDIS:
        cfg["REDIS_URL"] = TEST_REDIS
    return cfg


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path | None:
    """A SQLite file migrated to head once, copied for each test (PostgreSQL: migrated once)."""
    from flask_migrate import upgrade

    instance = tmp_path_factory.mktemp("template")
    app = create_app(base_config(instance))
    with app.app_context():
        if TEST_DB:
            _reset_postgres()
        upgrade(revision="heads")
        db.engine.dispose()
    return None if TEST_DB else instance / "catalyst.sqlite3"


def _reset_postgres() -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def _truncate_all() -> None:
    names = [t for t in inspect(db.engine).get_table_names() if t != "alembic_version"]
    if names:
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app(tmp_path, migrated_template) -> Iterator[Flask]:
    """A fresh app on a database at the head revision."""
    instance = tmp_path / "instance"
    instance.mkdir()
    if migrated_template is not None:
        shutil.copy(migrated_template, instance / "catalyst.sqlite3")
    application = create_app(base_config(instance))
    with application.app_context():
        yield application
        db.session.remove()
        if TEST_DB:
            _truncate_all()
        if TEST_REDIS:
            application.extensions["catalyst_redis"].flushdb()
        db.engine.dispose()


@pytest.fixture
def clock(app) -> ManualClock:
    """A manual clock installed in the app: the test advances time instead of sleeping."""
    manual = ManualClock()
    install(app, manual)
    return manual


@pytest.fixture
def client(app):
    """Flask test client."""
    return app.test_client()


@pytest.fixture
def cli(app):
    """Invoke the catalyst-training CLI against the test app."""
    runner = app.test_cli_runner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(args=list(args), input=input)

    return invoke


@pytest.fixture
def programme(app) -> None:
    """The sample programme (tests/content/modules) synced into the database."""
    report = sync_modules(app.config["CONTENT_PATH"])
    assert not report.problems, report.problems
    db.session.commit()


@pytest.fixture
def live(app, programme) -> Iterator[ServerThread]:
    """The test app, with the sample programme, over HTTP on 127.0.0.1."""
    with ServerThread(app) as server:
        yield server


@pytest.fixture
def platform(live, cli) -> Iterator[TestPlatform]:
    """An independent LTI 1.3 platform (lti1p3platform), registered with `platform add`."""
    with TestPlatform(live.base_url) as plat:
        result = cli("platform", "add", *plat.register_cli_args())
        assert result.exit_code == 0, result.output
        yield plat
