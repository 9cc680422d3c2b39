"""The launch token: a session without the third-party cookie, limited to that launch."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import requests

from catalyst_training.auth.services import Acting
from catalyst_training.lti import token_session
from tests.platform import TestPlatform, find_form

TIMEOUT = 5


class Cookieless(requests.Session):
    """A browser that never sends a cookie (all third-party cookies blocked)."""

    def send(self, request, **kwargs):
        """Drop the Cookie header, also on redirects (requests copies cookies there)."""
        request.headers.pop("Cookie", None)
        return super().send(request, **kwargs)


def cookieless() -> requests.Session:
    """A new cookie-less session."""
    return Cookieless()


def launch_token(platform, role="learner", user_id="u-token") -> str:
    """Launch normally and return the token of the landing redirect."""
    result = platform.launch(TestPlatform.session(), role, user_id=user_id)
    assert result.response.status_code == 303, result.response.text
    return dict(parse_qsl(urlsplit(result.response.headers["Location"]).query))["lt"]


def same_launch(app, token: str, fresh: str) -> bool:
    """The renewed token stands for the same launch (user, role, launch id) as the first one."""
    with app.test_request_context():
        first, renewed = token_session.read(token), token_session.read(fresh)
    return first is not None and first == renewed


def test_landing_and_links_work_with_the_token_alone(app, platform):
    token = launch_token(platform)
    browser = cookieless()
    page = browser.get(f"{platform.tool_base_url}/learn/?lt={token}", timeout=TIMEOUT)
    assert page.status_code == 200
    fresh = page.headers["X-Launch-Token"]  # renewed at each request, bound to the same launch
    assert same_launch(app, token, fresh)
    assert f'name="catalyst-launch-token" content="{fresh}"' in page.text
    assert "no-store" in page.headers["Cache-Control"]
    links = re.findall(r'href="(/[^"]*)"', page.text)
    ours = [u for u in links if not u.startswith("/static/")]
    assert ours and all(f"lt={fresh}" in u for u in ours if u != "/accessibilite"), ours
    assert all("lt=" not in u for u in links if u.startswith("/static/"))
    assert browser.get(f"{platform.tool_base_url}/learn/", timeout=TIMEOUT).status_code == 401


def test_header_authenticates_fetch_requests(platform):
    token = launch_token(platform, user_id="u-fetch")
    me = cookieless().get(
        f"{platform.tool_base_url}/api/me", headers={"X-Launch-Token": token}, timeout=TIMEOUT
    )
    assert me.status_code == 200
    assert me.json()["sub"] == "u-fetch" and me.json()["role"] == "learner"


def test_token_cannot_reach_other_roles_pages(platform):
    token = launch_token(platform)
    browser = cookieless()
    for path in ("/mentor/", "/console/"):
        assert browser.get(f"{platform.tool_base_url}{path}?lt={token}").status_code == 403


def test_forged_or_expired_tokens_are_refused(app, platform):
    token = launch_token(platform)
    browser = cookieless()
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert browser.get(f"{platform.tool_base_url}/learn/?lt={forged}").status_code == 401
    app.config["LAUNCH_TOKEN_MAX_AGE"] = -1
    assert browser.get(f"{platform.tool_base_url}/learn/?lt={token}").status_code == 401


def test_token_recreates_only_its_own_acting(app):
    acting = Acting(user_id=7, role="mentor", platform_id=1, context_pk=2, resource_link_pk=3,
                    launch_id="launch-1", locale="fr")  # fmt: skip
    with app.test_request_context():
        token = token_session.open_launch(acting)
        assert token is not None
        assert token_session.read(token) == acting
        assert token_session.read(token + "x") is None
        # A token signed for a launch that was never recorded (or was revoked) is refused.
        unknown = token_session.issue(Acting(user_id=7, role="mentor", launch_id="launch-2"))
        assert token_session.read(unknown) is None
        assert token_session.open_launch(Acting(user_id=7, role="mentor")) is None
        other = token_session.csrf_secret(Acting(user_id=8, role="mentor", launch_id="launch-1"))
        assert token_session.csrf_secret(acting) != other


def test_csrf_works_without_the_session_cookie(platform):
    token = launch_token(platform)
    browser = cookieless()
    page = browser.get(f"{platform.tool_base_url}/learn/?lt={token}", timeout=TIMEOUT)
    fresh = page.headers["X-Launch-Token"]
    form = find_form(page.text, "next", page.url)
    assert form is not None and f"lt={fresh}" in form.action
    form.fields["lang"] = "en"
    ok = browser.post(form.action, data=form.fields, allow_redirects=False, timeout=TIMEOUT)
    assert ok.status_code == 302, ok.text
    # The CSRF secret is per launch, not per token: the launch's first token validates it too.
    first = form.action.replace(fresh, token)
    again = browser.post(first, data=form.fields, allow_redirects=False, timeout=TIMEOUT)
    assert again.status_code == 302, again.text
    # The same CSRF token with another launch's token is refused.
    other = launch_token(platform, user_id="u-other")
    action = form.action.replace(fresh, other)
    refused = browser.post(action, data=form.fields, allow_redirects=False, timeout=TIMEOUT)
    assert refused.status_code == 400


def test_the_session_cookie_wins_over_a_token(platform):
    theirs = launch_token(platform, user_id="u-someone-else")
    mine = TestPlatform.session()
    assert platform.launch(mine, "learner", user_id="u-me").response.status_code == 303
    me = mine.get(f"{platform.tool_base_url}/api/me?lt={theirs}", timeout=TIMEOUT).json()
    assert me["sub"] == "u-me"


class HttpsTool:
    """requests-like access to the tool through the Flask test client over https://tool.test."""

    BASE = "https://tool.test"

    def __init__(self, client) -> None:
        self.client = client

    def _call(self, method: str, url: str, params=None, data=None, **_kw):
        if not url.startswith(self.BASE):
            return requests.request(method, url, params=params, data=data, timeout=TIMEOUT,
                                    allow_redirects=False)  # fmt: skip
        resp = self.client.open(url[len(self.BASE):], method=method, query_string=params,
                                data=data, base_url=self.BASE)  # fmt: skip
        resp.is_redirect = resp.status_code in (301, 302, 303, 307, 308)
        return resp

    def get(self, url, params=None, **kw):
        """GET through the test client (tool) or requests (platform)."""
        return self._call("GET", url, params=params, **kw)

    def post(self, url, data=None, **kw):
        """POST through the test client (tool) or requests (platform)."""
        return self._call("POST", url, data=data, **kw)


def test_cookies_are_partitioned_over_https(client, cli, live):
    with TestPlatform(HttpsTool.BASE) as plat:
        assert cli("platform", "add", *plat.register_cli_args()).exit_code == 0
        browser = HttpsTool(client)
        login = plat.begin_login(browser, "learner", user_id="u-https")
        assert login.ok, login.response.status_code
        state_cookies = login.response.headers.getlist("Set-Cookie")
        names = {c.split("=", 1)[0] for c in state_cookies}
        assert "lti1p3-session-id" in names and f"lti1p3-{login.state}" in names
        for cookie in state_cookies:
            attributes = {a.strip().lower() for a in cookie.split(";")}
            assert {"secure", "samesite=none", "partitioned", "httponly"} <= attributes, cookie
        action, id_token, state = plat.authorize(browser, login)
        resp = plat.post_launch(browser, id_token, state, url=action)
        assert resp.status_code == 303, resp.text
        session_cookie = next(
            c for c in resp.headers.getlist("Set-Cookie") if c.startswith("catalyst_session=")
        )
        attributes = {a.strip().lower() for a in session_cookie.split(";")}
        assert {"secure", "samesite=none", "partitioned", "httponly"} <= attributes
        me = client.get("/api/me", base_url=HttpsTool.BASE)
        assert me.status_code == 200 and me.json["sub"] == "u-https"


def test_cookies_stay_lax_over_plain_http(client):
    resp = client.post("/lang", data={"lang": "en"}, base_url="http://tool.test")
    cookie = resp.headers.get("Set-Cookie", "")
    assert "Partitioned" not in cookie and "SameSite=Lax" in cookie
