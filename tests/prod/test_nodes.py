"""Two gunicorn nodes on one PostgreSQL + Redis: any request may land on any node."""

from __future__ import annotations

import json
import re

import pytest
import requests

from tests.platform import TestPlatform
from tests.prod.conftest import needs_services

pytestmark = [needs_services, pytest.mark.postgres, pytest.mark.redis]

SLUG = "module-exemple"
LESSON = "premiere-lecon"


def test_login_on_a_launch_on_b_replay_rejected_on_a(two_nodes):
    a, b = two_nodes.nodes
    platform = two_nodes.platform
    session = TestPlatform.session()
    login = platform.begin_login(session, "learner", user_id="roaming", custom={"module": SLUG})
    assert login.ok, login.response.text
    _action, id_token, state = platform.authorize(session, login)
    on_b = platform.post_launch(session, id_token, state, url=b.base_url + "/lti/launch")
    assert on_b.status_code == 303, on_b.text
    # The signed-cookie session is valid on both nodes.
    assert session.get(b.base_url + "/api/me", timeout=10).json()["sub"] == "roaming"
    assert session.get(a.base_url + "/api/me", timeout=10).json()["sub"] == "roaming"
    # The nonce consumed on B is refused on A.
    on_a = platform.post_launch(session, id_token, state, url=a.base_url + "/lti/launch")
    assert on_a.status_code == 401 and "(replayed)" in on_a.text


def test_progress_is_the_same_on_every_node(two_nodes):
    a, b = two_nodes.nodes
    session = TestPlatform.session()
    result = two_nodes.platform.launch(
        session, "learner", user_id="reader", custom={"module": SLUG}
    )
    assert result.response.status_code == 303, result.response.text
    before = session.get(f"{b.base_url}/learn/m/{SLUG}/", timeout=10)
    assert before.status_code == 200 and "à lire" in before.text
    lesson = session.get(f"{a.base_url}/learn/m/{SLUG}/lessons/{LESSON}", timeout=10)
    assert lesson.status_code == 200
    after = session.get(f"{b.base_url}/learn/m/{SLUG}/", timeout=10)
    assert "✓ lue" in after.text and "à lire" not in after.text
    progress = session.get(f"{b.base_url}/learn/progress", timeout=10)
    assert re.search(r"<td[^>]*>\s*1 / 1\s*</td>", progress.text), progress.text


def test_every_node_is_ready_and_logs_json_with_the_request_id(two_nodes):
    a, b = two_nodes.nodes
    for node in (a, b):
        ready = requests.get(node.base_url + "/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "cache": "ok", "migrations": "ok"}
    # A rejected launch is logged (warning) as JSON, with the id the client sent.
    resp = requests.post(
        a.base_url + "/lti/launch",
        data={"id_token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "state": "s"},
        headers={"X-Request-ID": "trace-123"},
        timeout=10,
    )
    assert resp.status_code in (400, 401) and resp.headers["X-Request-ID"] == "trace-123"
    lines = [json.loads(x) for x in a.log().splitlines() if x.startswith("{")]
    mine = [x for x in lines if x.get("request_id") == "trace-123"]
    assert mine and all(x["level"] for x in mine), lines[-5:]
    assert "eyJ" not in a.log()


def test_the_same_browser_hits_both_nodes_alternately(two_nodes):
    a, b = two_nodes.nodes
    session = TestPlatform.session()
    result = two_nodes.platform.launch(session, "learner", user_id="pingpong")
    assert result.response.status_code == 303
    codes = [
        session.get(node.base_url + "/learn/progress", timeout=10).status_code
        for node in (a, b, a, b)
    ]
    assert codes == [200, 200, 200, 200]
