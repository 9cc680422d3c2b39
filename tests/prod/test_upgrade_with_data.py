"""`db upgrade` on a PostgreSQL database that already holds data: rows survive every revision.

Also checks /readyz: not ready while migrations are pending, ready at head.
"""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from catalyst_training import create_app
from catalyst_training.extensions import db
from tests.prod.conftest import PG
from tests.prod.nodes import ScratchDatabase

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG, reason="CATALYST_TEST_DATABASE_URL is not set"),
]

ROWS = """
INSERT INTO platforms (id, name, lti_version, issuer, client_id, auth_login_url,
    auth_token_url, key_set_url, active, role_map, created_at, updated_at)
VALUES (1, 'FUN MOOC', '1.3.0', 'https://fun.example.org', 'client-1',
    'https://fun.example.org/auth', 'https://fun.example.org/token',
    'https://fun.example.org/jwks', true, '{"x": "mentor"}', now(), now());
INSERT INTO deployments (id, platform_id, deployment_id, active, created_at, updated_at)
VALUES (1, 1, 'dep-1', true, now(), now());
INSERT INTO users (id, platform_id, sub, name, email, is_coordinator_account,
    created_at, updated_at)
VALUES (1, 1, 'learner-sub', 'Léa Martin', 'lea@example.org', false, now(), now()),
       (2, 1, 'mentor-sub', 'Marc Dubois', NULL, false, now(), now());
INSERT INTO contexts (id, platform_id, context_id, title, created_at, updated_at)
VALUES (1, 1, 'course-v1:Catalyst+2026', 'Session 2026', now(), now());
INSERT INTO memberships (id, user_id, context_id, role, lti_roles, active, created_at,
    updated_at)
VALUES (1, 1, 1, 'learner', '["Learner"]', true, now(), now()),
       (2, 2, 1, 'mentor', '["Instructor"]', true, now(), now());
"""


def _snapshot() -> dict[str, list[tuple]]:
    queries = {
        "platforms": "SELECT id, name, issuer, client_id, active, role_map::text FROM platforms",
        "deployments": "SELECT id, platform_id, deployment_id, active FROM deployments",
        "users": "SELECT id, platform_id, sub, name, email FROM users",
        "contexts": "SELECT id, platform_id, context_id, title FROM contexts",
        "memberships": "SELECT id, user_id, context_id, role, lti_roles::text FROM memberships",
    }
    return {
        name: [tuple(row) for row in db.session.execute(text(sql + " ORDER BY id")).all()]
        for name, sql in queries.items()
    }


def test_upgrade_from_first_revision_to_head_keeps_the_data(tmp_path):
    with ScratchDatabase(PG, prefix="catalyst_upgrade") as scratch:
        app = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True, "SECRET_KEY": "x",
                          "DATABASE_URL": scratch.url})  # fmt: skip
        client = app.test_client()
        with app.app_context():
            upgrade(revision="0001_initial")
            for statement in filter(str.strip, ROWS.split(";")):
                db.session.execute(text(statement))
            db.session.commit()
            before = _snapshot()
            assert len(before["users"]) == 2 and len(before["memberships"]) == 2

            pending = client.get("/readyz")
            assert pending.status_code == 503
            assert pending.get_json()["checks"]["migrations"].startswith("pending")
            assert client.get("/healthz").status_code == 200  # alive, just not ready

            upgrade(revision="heads")
            db.session.remove()
            assert _snapshot() == before
            # The new tables accept rows tied to the old ones (foreign keys intact).
            tables = set(
                db.session.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                ).scalars()
            )
            assert {"lesson_views", "module_progress", "grade_deliveries"} <= tables
            ready = client.get("/readyz")
            assert ready.status_code == 200, ready.get_json()
            db.session.remove()
            db.engine.dispose()
