"""Launch tokens end: at logout (in every browser), after an idle period, at an absolute cap,
and for good once their platform was deactivated."""

from __future__ import annotations

import re

from sqlalchemy import select

from catalyst_training.extensions import db
from catalyst_training.lti.models import Platform
from tests.lti.test_token_session import TIMEOUT, cookieless, launch_token
from tests.platform import TestPlatform


def learn(platform, token: str):
    """GET /learn/ in a new cookie-less browser with this token."""
    return cookieless().get(f"{platform.tool_base_url}/learn/?lt={token}", timeout=TIMEOUT)


def me(platform, token: str):
    """GET /api/me in a new cookie-less browser, the token in the header (as scripts send it)."""
    return cookieless().get(
        f"{platform.tool_base_url}/api/me", headers={"X-Launch-Token": token}, timeout=TIMEOUT
    )


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_replay_after_logout_is_refused_without_cookies(platform):
    token = launch_token(platform, user_id="u-logout")
    browser = cookieless()
    page = browser.get(f"{platform.tool_base_url}/learn/?lt={token}", timeout=TIMEOUT)
    assert page.status_code == 200
    fresh = page.headers.get("X-Launch-Token", token)
    out = browser.post(f"{platform.tool_base_url}/logout?lt={fresh}",
                       data={"csrf_token": csrf_of(page)}, allow_redirects=False,
                       timeout=TIMEOUT)  # fmt: skip
    assert out.status_code == 302, out.text
    assert "lt=" not in out.headers["Location"] and "X-Launch-Token" not in out.headers
    for replayed in (token, fresh):
        assert learn(platform, replayed).status_code == 401
        assert me(platform, replayed).status_code == 401


def test_logout_in_one_browser_refuses_the_token_in_another(platform):
    browser = TestPlatform.session()  # cookies work here
    result = platform.launch(browser, "learner", user_id="u-two-browsers")
    assert result.response.status_code == 303
    token = dict(re.findall(r"[?&](lt)=([^&]+)", result.response.headers["Location"]))["lt"]
    assert learn(platform, token).status_code == 200  # e.g. the same launch's link, elsewhere
    page = browser.get(f"{platform.tool_base_url}/learn/", timeout=TIMEOUT)
    assert page.status_code == 200
    out = browser.post(f"{platform.tool_base_url}/logout", data={"csrf_token": csrf_of(page)},
                       allow_redirects=False, timeout=TIMEOUT)  # fmt: skip
    assert out.status_code == 302
    assert browser.get(f"{platform.tool_base_url}/learn/", timeout=TIMEOUT).status_code == 401
    assert learn(platform, token).status_code == 401
    assert me(platform, token).status_code == 401


def test_an_idle_token_expires_while_a_renewed_one_works(app, clock, platform):
    app.config["LAUNCH_TOKEN_MAX_AGE"] = 1200
    first = launch_token(platform, user_id="u-idle")
    clock.advance(1000)
    used = learn(platform, first)
    assert used.status_code == 200
    renewed = used.headers["X-Launch-Token"]
    assert renewed != first
    clock.advance(1000)  # 2000 s after the first token, 1000 s after the renewed one
    assert learn(platform, first).status_code == 401
    answer = me(platform, renewed)
    assert answer.status_code == 200 and answer.json()["sub"] == "u-idle"
    clock.advance(1300)  # nothing used the tokens for longer than the idle lifetime
    assert me(platform, answer.headers["X-Launch-Token"]).status_code == 401


def test_renewals_stop_at_the_absolute_lifetime(app, clock, platform):
    app.config.update(LAUNCH_TOKEN_MAX_AGE=1200, LAUNCH_TOKEN_MAX_LIFETIME=3000)
    token = launch_token(platform, user_id="u-capped")
    for _ in range(3):  # active all along: a request every 950 s, each renewing the token
        clock.advance(950)
        answer = me(platform, token)
        assert answer.status_code == 200
        token = answer.headers["X-Launch-Token"]
    clock.advance(200)  # 3050 s after the launch, 200 s after the last renewal
    assert me(platform, token).status_code == 401
    assert learn(platform, token).status_code == 401


def _platform_row(platform: TestPlatform) -> Platform:
    db.session.expire_all()
    return db.session.scalars(select(Platform).filter_by(client_id=platform.client_id)).one()


def test_a_deactivated_platform_revokes_its_launch_tokens_for_good(platform):
    token = launch_token(platform, user_id="u-off-and-on")
    assert learn(platform, token).status_code == 200
    _platform_row(platform).active = False
    db.session.commit()
    assert learn(platform, token).status_code == 401
    _platform_row(platform).active = True
    db.session.commit()
    # The launch was revoked when its session was refused: reactivation does not revive it.
    assert learn(platform, token).status_code == 401
    assert me(platform, token).status_code == 401
    assert learn(platform, launch_token(platform, user_id="u-off-and-on")).status_code == 200
