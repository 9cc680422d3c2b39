"""Two app instances sharing the database (and Redis when configured): one nonce, one use."""

import pytest

from catalyst_training import create_app
from catalyst_training.extensions import db
from tests.conftest import base_config
from tests.platform import ServerThread, TestPlatform


@pytest.fixture
def node_b(app, live):
    """A second app instance on the same database, instance folder and cache."""
    cfg = base_config(app.instance_path)
    cfg["DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    # Behind a load balancer both nodes answer for one public URL: node A's here.
    cfg["BASE_URL"] = live.base_url
    second = create_app(cfg)
    with ServerThread(second) as server:
        yield server
    with second.app_context():
        db.engine.dispose()


def test_login_on_a_launch_on_b_then_replay_on_a(platform, node_b, live):
    session = TestPlatform.session()
    login = platform.begin_login(session, "learner", user_id="roaming")
    assert login.ok
    _action, id_token, state = platform.authorize(session, login)
    # The id_token is posted to node B (cookies are per host, not per port, as in a browser).
    on_b = platform.post_launch(session, id_token, state, url=node_b.base_url + "/lti/launch")
    assert on_b.status_code == 303, on_b.text
    assert session.get(node_b.base_url + "/api/me").json()["sub"] == "roaming"
    # Node A refuses the same token: the nonce was consumed on B.
    on_a = platform.post_launch(session, id_token, state, url=live.base_url + "/lti/launch")
    assert on_a.status_code == 401 and "(replayed)" in on_a.text


def test_concurrent_replays_accept_exactly_one(platform, node_b, live):
    from concurrent.futures import ThreadPoolExecutor

    session = TestPlatform.session()
    login = platform.begin_login(session, "learner", user_id="racer")
    _action, id_token, state = platform.authorize(session, login)
    cookies = session.cookies.get_dict()

    def post(url):
        s = TestPlatform.session()
        s.cookies.update(cookies)
        return platform.post_launch(s, id_token, state, url=url + "/lti/launch").status_code

    urls = [live.base_url, node_b.base_url] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(post, urls))
    assert codes.count(303) == 1, codes
    assert all(c == 401 for c in codes if c != 303), codes
