"""Faults under gunicorn: Redis restarted mid-launch, PostgreSQL connections killed."""

from __future__ import annotations

import threading

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.platform import TestPlatform
from tests.prod.conftest import needs_services
from tests.prod.nodes import psycopg_url

pytestmark = [needs_services, pytest.mark.postgres, pytest.mark.redis]


def test_redis_restart_during_a_launch_gives_a_retry_page(one_node_private_redis, private_redis):
    deployment = one_node_private_redis
    node, platform = deployment.nodes[0], deployment.platform
    session = TestPlatform.session()
    login = platform.begin_login(session, "learner", user_id="during-outage")
    assert login.ok, login.response.text
    _action, id_token, state = platform.authorize(session, login)

    private_redis.stop()
    launch = platform.post_launch(session, id_token, state, url=node.base_url + "/lti/launch")
    assert launch.status_code == 503, launch.text
    assert "momentanément indisponible" in launch.text
    assert launch.headers["Retry-After"] == "5"
    # Everyone arriving meanwhile gets the same clear page, not a storm of 500s.
    codes = [platform.begin_login(TestPlatform.session(), "learner").response.status_code
             for _ in range(5)]  # fmt: skip
    assert codes == [503] * 5, codes
    health = requests.get(node.base_url + "/healthz", timeout=10)
    assert health.status_code == 503 and health.json()["checks"]["cache"].startswith("error")

    private_redis.start()  # empty: the pending state and nonce are gone
    again = platform.post_launch(session, id_token, state, url=node.base_url + "/lti/launch")
    # The nonce issued before the restart is unknown now: a 4xx naming why, not a 500.
    assert again.status_code == 401 and "(unknown_nonce)" in again.text, again.text
    fresh = platform.launch(TestPlatform.session(), "learner", user_id="after-outage")
    assert fresh.response.status_code == 303, fresh.response.text
    assert requests.get(node.base_url + "/healthz", timeout=10).status_code == 200
    assert "Traceback" not in node.log()


def _kill_connections(database_url: str) -> int:
    name = database_url.rsplit("/", 1)[1]
    admin = create_engine(psycopg_url(database_url.rsplit("/", 1)[0] + "/postgres"),
                          isolation_level="AUTOCOMMIT")  # fmt: skip
    try:
        with admin.connect() as conn:
            return len(
                conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = :name AND pid <> pg_backend_pid()"),
                    {"name": name},
                ).all()
            )  # fmt: skip
    finally:
        admin.dispose()


def test_postgres_connections_killed_are_replaced_by_the_pool(one_node_private_redis):
    deployment = one_node_private_redis
    node = deployment.nodes[0]
    session = TestPlatform.session()
    result = deployment.platform.launch(session, "learner", user_id="pooled")
    assert result.response.status_code == 303
    url = node.base_url + "/learn/progress"
    # Warm the pool with a few concurrent requests, then kill every backend of the database.
    codes: list[int] = []
    stop = threading.Event()

    def hammer() -> None:
        client = TestPlatform.session()
        client.cookies.update(session.cookies)
        while not stop.is_set():
            codes.append(client.get(url, timeout=10).status_code)

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for _ in range(3):  # kill while requests are in flight, three times over
            threading.Event().wait(0.3)
            assert _kill_connections(deployment.database_url) >= 1
        threading.Event().wait(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=15)
    # In flight at the kill: a clear 503 at worst, never a 500; then everything works again.
    assert set(codes) <= {200, 503}, (sorted(set(codes)), node.log()[-6000:])
    assert codes.count(200) > codes.count(503)
    after = [session.get(url, timeout=10).status_code for _ in range(8)]
    assert after == [200] * 8
    assert requests.get(node.base_url + "/readyz", timeout=10).status_code == 200
