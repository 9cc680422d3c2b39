"""Browser-ish HTTP plumbing: cookie-faithful session, HTML forms, threaded WSGI servers."""

import html
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urlencode, urljoin

import requests
from requests.cookies import RequestsCookieJar, merge_cookies
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

# Browsers treat http://127.0.0.1 / localhost as a secure context, requests does not: without
# this, cookies set with `Secure` (the tool's SameSite=None session/state cookies) are stored
# but never sent back over plain http.
_LOCAL_POLICY = DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))


class LocalSession(requests.Session):
    """requests.Session that sends Secure cookies over http, like a browser on localhost."""

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        """Prepare as usual, then recompute the Cookie header with the permissive policy."""
        prepared = super().prepare_request(request)
        jar = RequestsCookieJar(policy=_LOCAL_POLICY)
        merge_cookies(jar, self.cookies)
        merge_cookies(jar, request.cookies or {})
        prepared.headers.pop("Cookie", None)
        prepared.prepare_cookies(jar)
        return prepared


@dataclass
class Form:
    """An HTML form: absolute action URL, method and its named input values."""

    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.forms: list[Form] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urljoin(self.base_url, a.get("action", ""))
            self.forms.append(Form(action, a.get("method", "get").upper()))
        elif self.forms and tag in ("input", "button") and a.get("name"):
            if a.get("type", "") not in ("checkbox", "radio") or "checked" in a:
                self.forms[-1].fields.setdefault(a["name"], a.get("value", ""))
        elif self.forms and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1].fields[a["name"]] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def parse_forms(text: str, base_url: str = "") -> list[Form]:
    """Return every form of an HTML page (actions resolved against base_url)."""
    parser = _FormParser(base_url)
    parser.feed(text)
    parser.close()
    return parser.forms


def find_form(text: str, field_name: str, base_url: str = "") -> Form | None:
    """Return the first form of a page that carries the given field, or None."""
    return next((f for f in parse_forms(text, base_url) if field_name in f.fields), None)


def auto_submit_form(action: str, fields: dict[str, Any]) -> str:
    """Render a self-submitting POST form (what LTI platforms and tools send to browsers)."""
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(str(k))}" value="{html.escape(str(v))}">'
        for k, v in fields.items()
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>LTI</title></head>'
        '<body onload="document.forms[0].submit()">'
        f'<form method="post" action="{html.escape(action)}">{inputs}'
        '<noscript><button type="submit">Continue</button></noscript></form></body></html>'
    )


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Do not log every request to stderr."""


class ServerThread:
    """Serve a WSGI app on 127.0.0.1 (ephemeral port) from a daemon thread."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app, self.host, self.port = app, host, port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """Return http://host:port of the running server."""
        if self._server is None:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self._server.server_port}"

    def start(self) -> "ServerThread":
        """Bind and start serving."""
        self._server = make_server(
            self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> "ServerThread":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class PlatformError(AssertionError):
    """The tool did something the platform refused (bad OIDC request, bad deep-link JWT...)."""


@dataclass
class LoginResult:
    """Outcome of the OIDC initiation step (GET/POST tool /lti/login)."""

    response: requests.Response
    location: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    state: str | None = None
    nonce: str | None = None
    lti_message_hint: str = ""

    @property
    def ok(self) -> bool:
        """Return True when the tool redirected to our auth endpoint with state and nonce."""
        return bool(self.state and self.nonce)


@dataclass
class LaunchResult:
    """Outcome of a full launch; `response` is what the tool answered to the id_token POST."""

    response: requests.Response
    login: LoginResult
    id_token: str | None = None
    state: str | None = None
    nonce: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)


def auth_redirect_url(auth_login_url: str, client_id: str, args, state: str, nonce: str) -> str:
    """The OIDC authorisation redirect a minimal tool answers a login initiation with."""
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": client_id,
        "redirect_uri": args["target_link_uri"],
        "state": state,
        "nonce": nonce,
        "login_hint": args["login_hint"],
        "lti_message_hint": args.get("lti_message_hint", ""),
    }
    return f"{auth_login_url}?{urlencode(query)}"
