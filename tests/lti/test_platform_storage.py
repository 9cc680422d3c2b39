"""LTI platform storage (postMessage) at the HTTP level, with the platform's responder simulated."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlsplit

import requests

from tests.lti.test_token_session import Cookieless
from tests.platform import TestPlatform, find_form, parse_forms

TIMEOUT = 5


def data_attrs(page: str, element_id: str) -> dict[str, str]:
    """The data-* attributes of the element with this id (unescaped)."""
    tag = re.search(rf'<[a-z]+ id="{element_id}"([^>]*)>', page, re.S)
    assert tag, page
    return {k: html.unescape(v) for k, v in re.findall(r'data-([a-z-]+)="([^"]*)"', tag.group(1))}


class Responder:
    """What the platform's page does with lti.put_data / lti.get_data (keyed by origin)."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str], str] = {}

    def put(self, origin: str, key: str, value: str) -> None:
        self.data[(origin, key)] = value

    def get(self, origin: str, key: str) -> str:
        return self.data.get((origin, key), "")


def storage_login(platform: TestPlatform, session: requests.Session, responder: Responder, **kw):
    """Login with lti_storage_target; run the page's put_data; return (auth url, page attrs)."""
    overrides = {"lti_storage_target": "post_message_forwarding"}
    login = platform.begin_login(session, "learner", login_overrides=overrides, **kw)
    page = login.response
    assert page.status_code == 200, page.text
    attrs = data_attrs(page.text, "lti-storage")
    responder.put(attrs["origin"], attrs["state-key"], attrs["state"])
    responder.put(attrs["origin"], attrs["nonce-key"], attrs["nonce"])
    return attrs["next"], attrs, login


def authorize(platform: TestPlatform, session: requests.Session, auth_url: str):
    resp = session.get(auth_url, allow_redirects=False, timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text
    form = parse_forms(resp.text, resp.url)[0]
    return form.action, form.fields["id_token"], form.fields["state"]


def storage_launch(platform, responder: Responder, *, tamper=None):
    """The whole flow in a browser whose third-party cookies are all blocked."""
    cookieless = Cookieless()
    auth_url, attrs, _login = storage_login(platform, cookieless, responder)
    action, id_token, state = authorize(platform, cookieless, auth_url)
    page = platform.post_launch(cookieless, id_token, state, url=action)
    assert page.status_code == 200, page.text
    form = find_form(page.text, "lti_storage_state", page.url)
    assert form is not None and form.action.endswith("/lti/launch/storage")
    get = data_attrs(page.text, "lti-storage-launch")
    assert (get["origin"], get["target"]) == (attrs["origin"], "post_message_forwarding")
    fields = dict(form.fields)
    fields["lti_storage_state"] = responder.get(get["origin"], get["state-key"])
    fields["lti_storage_nonce"] = responder.get(get["origin"], get["nonce-key"])
    if tamper:
        tamper(fields)
    resp = cookieless.post(form.action, data=fields, allow_redirects=False, timeout=TIMEOUT)
    return cookieless, form, fields, resp


def test_login_page_stores_state_and_nonce_in_the_platform(platform):
    session = TestPlatform.session()
    auth_url, attrs, login = storage_login(platform, session, Responder())
    text = login.response.text
    assert "<script>" not in text and "js/lti-storage.js" in text
    assert attrs["origin"] == platform.base_url  # targetOrigin: the platform's auth URL origin
    assert attrs["target"] == "post_message_forwarding"
    query = dict(parse_qsl(urlsplit(auth_url).query))
    assert auth_url.startswith(platform.auth_login_url)
    assert (query["state"], query["nonce"]) == (attrs["state"], attrs["nonce"])
    assert attrs["state-key"] == f"state_{attrs['state']}"
    assert login.response.headers["Cache-Control"] == "no-store"
    # The state cookie is still set: cookies are used when they work.
    assert any(c.name.startswith("lti1p3-state-") for c in session.cookies)


def test_launch_through_platform_storage_without_any_cookie(platform):
    session, _form, _fields, resp = storage_launch(platform, Responder())
    assert resp.status_code == 303, resp.text
    landing = resp.headers["Location"]
    assert urlsplit(landing).path == "/learn/" and "lt=" in landing
    page = session.get(platform.tool_base_url + landing, timeout=TIMEOUT)
    assert page.status_code == 200
    assert "lt=" in page.text  # links keep the launch token


def test_storage_login_with_working_cookies_launches_directly(platform):
    session = TestPlatform.session()
    auth_url, _attrs, _login = storage_login(platform, session, Responder())
    action, id_token, state = authorize(platform, session, auth_url)
    resp = platform.post_launch(session, id_token, state, url=action)
    assert resp.status_code == 303, resp.text
    assert session.get(platform.tool_base_url + "/api/me", timeout=TIMEOUT).status_code == 200


def test_wrong_state_from_storage_is_refused(platform):
    def tamper(fields):
        fields["lti_storage_state"] = "state-forged"

    _s, _f, _fields, resp = storage_launch(platform, Responder(), tamper=tamper)
    assert resp.status_code == 401
    assert "lti1p3_new_window=1" in resp.text


def test_wrong_nonce_from_storage_is_refused(platform):
    def tamper(fields):
        fields["lti_storage_nonce"] = "nonce-of-another-login"

    _s, _f, _fields, resp = storage_launch(platform, Responder(), tamper=tamper)
    assert resp.status_code == 401


def test_state_of_another_login_is_refused(platform):
    responder = Responder()
    other = requests.Session()
    _url, other_attrs, _ = storage_login(platform, other, responder)

    def tamper(fields):
        fields["state"] = fields["lti_storage_state"] = other_attrs["state"]

    _s, _f, _fields, resp = storage_launch(platform, responder, tamper=tamper)
    assert resp.status_code == 401


def test_storage_launch_cannot_be_replayed(platform):
    session, form, fields, resp = storage_launch(platform, Responder())
    assert resp.status_code == 303
    again = session.post(form.action, data=fields, allow_redirects=False, timeout=TIMEOUT)
    assert again.status_code == 401
    assert "lt=" not in again.headers.get("Location", "")


def test_no_cookies_and_no_storage_offers_a_new_window(platform):
    blocked = Cookieless()
    result = platform.launch(blocked, "learner", user_id="u-new-window")
    assert result.response.status_code == 401
    text = result.response.text
    link = re.search(r'<a id="lti-new-window"[^>]*href="([^"]+)"[^>]*target="_blank"', text)
    assert link, text
    url = html.unescape(link.group(1))
    assert "lti1p3_new_window=1" in url and urlsplit(url).path == "/lti/login"
    # In a new (top-level) window cookies work: the same login parameters launch again.
    window = TestPlatform.session()
    login = window.get(platform.tool_base_url + url, allow_redirects=False, timeout=TIMEOUT)
    assert login.status_code == 302
    assert login.headers["Location"].startswith(platform.auth_login_url)
    action, id_token, state = authorize(platform, window, login.headers["Location"])
    resp = platform.post_launch(window, id_token, state, url=action)
    assert resp.status_code == 303, resp.text
    me = window.get(platform.tool_base_url + "/api/me", timeout=TIMEOUT).json()
    assert me["sub"] == "u-new-window"
