"""A launch token never leaves the tool: not in what platforms are given, not in a log line."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
from werkzeug.serving import make_server

from catalyst_training.core.logging import RequestContextFilter, redact
from tests.lti.test_dynamic_registration import TOKEN as REGISTRATION_TOKEN
from tests.lti.test_dynamic_registration import FakeMoodle
from tests.lti.test_token_session import TIMEOUT, cookieless, launch_token
from tests.platform import DL_ITEMS, ServerThread, TestPlatform, find_form, forge


def lt_of(url: str) -> str:
    """The launch token of a tool URL."""
    return dict(parse_qsl(urlsplit(url).query))["lt"]


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def deep_link_cookieless(platform: TestPlatform, base: str) -> tuple[list[str], dict, list]:
    """A mentor's deep-linking flow where only the launch token carries the session.

    Returns the tokens seen, the claims of the deep-linking response JWT and the content items
    the platform accepted.
    """
    result = platform.launch(TestPlatform.session(), "mentor", message_type="deep_link")
    assert result.response.status_code == 303, result.response.text
    token = lt_of(result.response.headers["Location"])
    browser = cookieless()
    picker = browser.get(base + result.response.headers["Location"], timeout=TIMEOUT)
    assert picker.status_code == 200, picker.text
    fresh = picker.headers.get("X-Launch-Token", token)
    resp = browser.post(f"{base}/lti/deep-link?lt={fresh}",
                        data={"csrf_token": csrf_of(picker), "modules": ["module-exemple"]},
                        timeout=TIMEOUT)  # fmt: skip
    assert resp.status_code == 200, resp.text
    form = find_form(resp.text, "JWT")
    assert form is not None and form.action == platform.deep_link_return_url
    claims = forge.unverified_claims(form.fields["JWT"])
    items = platform.submit_deep_link_response(browser, resp)
    return [token, fresh], claims, items


def test_no_url_handed_to_a_platform_carries_the_token(platform, live):
    base = platform.tool_base_url
    tokens, claims, items = deep_link_cookieless(platform, base)
    dumped = json.dumps(claims)
    assert "lt=" not in dumped and not any(t in dumped for t in tokens)
    assert [i["url"] for i in claims[DL_ITEMS]] == [f"{live.base_url}/lti/launch"]
    assert [i["url"] for i in items] == [f"{live.base_url}/lti/launch"]
    # The deep-linking launch served its purpose: its tokens end with the response.
    assert cookieless().get(f"{base}/lti/deep-link?lt={tokens[1]}").status_code == 401

    # What an administrator copies: config.json, and the home page pointing to it.
    token = launch_token(platform, role="mentor", user_id="u-admin-page")
    browser = cookieless()
    config = browser.get(f"{base}/lti/config.json?lt={token}", timeout=TIMEOUT)
    assert config.status_code == 200 and "lt=" not in config.text
    assert config.json()["target_link_uri"] == f"{live.base_url}/lti/launch"
    home = browser.get(f"{base}/?lt={token}", timeout=TIMEOUT)
    assert 'name="catalyst-launch-token"' in home.text  # the token authenticated this page
    config_links = re.findall(r"[^\s\"<>]*/lti/config\.json[^\s\"<>]*", home.text)
    assert config_links and all("lt=" not in u for u in config_links), config_links

    # Dynamic registration opened while a token session is on: the client metadata sent.
    moodle = FakeMoodle(platform)
    with moodle.server:
        platform.issuer = moodle.base_url
        query = {"openid_configuration": moodle.config_url,
                 "registration_token": REGISTRATION_TOKEN, "lt": token}  # fmt: skip
        registered = browser.get(f"{base}/lti/register", params=query, timeout=TIMEOUT)
    assert registered.status_code == 200, registered.text
    (sent,) = moodle.requests
    assert "lt=" not in json.dumps(sent) and token not in json.dumps(sent)
    assert sent["redirect_uris"] == [f"{live.base_url}/lti/launch"]


class LoggingServer(ServerThread):
    """The tool over HTTP with werkzeug's request lines logged (as `flask run` does)."""

    def start(self) -> LoggingServer:
        """Bind and serve with werkzeug's default (logging) request handler."""
        self._server = make_server(self.host, self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)  # fmt: skip
        self._thread.start()
        return self


@pytest.fixture
def logged_platform(app, programme, cli) -> Iterator[TestPlatform]:
    """A test platform in front of a tool whose request lines are logged."""
    with LoggingServer(app) as server, TestPlatform(server.base_url) as plat:
        assert cli("platform", "add", *plat.register_cli_args()).exit_code == 0
        yield plat


def test_no_log_line_carries_a_token(logged_platform, caplog):
    platform, base = logged_platform, logged_platform.tool_base_url
    redaction = RequestContextFilter()  # what the app's log handler applies to every line
    caplog.handler.addFilter(redaction)
    caplog.set_level(logging.DEBUG)
    try:
        token = launch_token(platform, user_id="u-logged")
        page = cookieless().get(f"{base}/learn/?lt={token}", timeout=TIMEOUT)
        tokens = [token, page.headers.get("X-Launch-Token", token)]
        header = cookieless().get(f"{base}/api/me", headers={"X-Launch-Token": tokens[1]},
                                  timeout=TIMEOUT)  # fmt: skip
        assert header.status_code == 200
        tokens.append(header.headers.get("X-Launch-Token", token))
        cookieless().get(f"{base}/mentor/?lt={tokens[-1]}", timeout=TIMEOUT)  # 403, logged
        dl_tokens, _claims, _items = deep_link_cookieless(platform, base)
        tokens += dl_tokens
        cookieless().get(f"{base}/learn/?lt={dl_tokens[0]}", timeout=TIMEOUT)  # revoked: 401
    finally:
        caplog.handler.removeFilter(redaction)
    lines = [r.getMessage() for r in caplog.records] + [r.exc_text or "" for r in caplog.records]
    text = "\n".join([*lines, caplog.text])
    assert any(r.name == "werkzeug" and "GET /learn/?lt=" in r.getMessage()
               for r in caplog.records), "the request lines were logged"  # fmt: skip
    for token in tokens:
        signature = token.rsplit(".", 1)[-1]
        assert token not in text and signature not in text
    assert not re.search(r"lt=(?!\[redacted\])", text)


@pytest.mark.parametrize(
    "line",
    [
        '127.0.0.1 - - "GET /learn/?lt=.eJwNyz0OgjAYgOG7fHOHUn5E7mDiYtxMMZ0U.aBcDeF.'
        'abcdefghijklmnopqrstuvwxyz0 HTTP/1.1" 200 -',
        "redirect to /learn/?page=2&lt=anything-at-all#top",
        "next=%2Flearn%2F%3Flt%3Danything-at-all",
        "headers: {'X-Launch-Token': 'anything-at-all'}",
        "X-Launch-Token: anything-at-all",
        "cookie .eJwNyz0OgjAYgOG7fHOHUn5E7mDiYtxMMZ0U.aBcDeF.abcdefghijklmnopqrstuvwxyz0",
    ],
)
def test_redaction_masks_launch_token_shapes(line):
    masked = redact(line)
    assert "anything-at-all" not in masked and "abcdefghijklmnopqrstuvwxyz0" not in masked
    assert "[redacted]" in masked
