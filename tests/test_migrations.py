"""Migrations upgrade from empty and match the models (SQLite here, PostgreSQL in CI)."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from catalyst_training import create_app
from catalyst_training.extensions import db

PG = os.environ.get("CATALYST_TEST_DATABASE_URL")


def _assert_head_matches_models():
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_upgrade_from_empty_sqlite(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})  # fmt: skip
    with app.app_context():
        upgrade(revision="heads")
        tables = set(inspect(db.engine).get_table_names())
        assert {"platforms", "deployments", "tool_keys", "users", "contexts", "resource_links",
                "memberships", "lti_used_nonces", "alembic_version"} <= tables  # fmt: skip
        _assert_head_matches_models()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        db.engine.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not PG, reason="CATALYST_TEST_DATABASE_URL is not set")
def test_upgrade_from_empty_postgres(tmp_path):
    admin = create_engine(PG.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")  # fmt: skip
    name = "catalyst_mig_" + os.urandom(4).hex()
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        url = PG.rsplit("/", 1)[0] + "/" + name
        app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "DATABASE_URL": url})
        with app.app_context():
            upgrade(revision="heads")
            assert "memberships" in inspect(db.engine).get_table_names()
            _assert_head_matches_models()
            downgrade(revision="base")
            upgrade(revision="heads")
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_one_head_so_plain_db_upgrade_works(app):
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
