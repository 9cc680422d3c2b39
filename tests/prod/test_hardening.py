"""Security headers, cookies over HTTPS, login rate limits, request ids and redacted logs."""

from __future__ import annotations

import io
import json
import logging
import re

from catalyst_training import create_app
from catalyst_training.auth import policy
from catalyst_training.core import logging as core_logging
from catalyst_training.core.limiter import login_limit
from catalyst_training.core.security import invalidate_origins
from catalyst_training.extensions import db
from tests.conftest import base_config
from tests.platform import TestPlatform

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsZWEifQ.c2lnbmF0dXJlLXZhbHVl"


def test_frame_ancestors_lists_exactly_the_registered_platforms(platform, cli, client):
    with TestPlatform(platform.tool_base_url, issuer="https://moodle.example.org/") as second:
        second_args, second_origin = second.register_cli_args(), second.base_url
    assert cli("platform", "add", *second_args).exit_code == 0
    invalidate_origins()
    csp = client.get("/").headers["Content-Security-Policy"]
    ancestors = re.search(r"frame-ancestors ([^;]+)", csp).group(1).split()
    expected = {"'self'", "https://moodle.example.org", platform.base_url,
                "https://edx.test", second_origin}  # fmt: skip
    assert set(ancestors) == expected, ancestors
    assert "*" not in csp
    resp = client.get("/healthz")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def _session_cookie(resp) -> str:
    return next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith("catalyst_session"))


def test_cookies_are_secure_samesite_none_partitioned_over_https(app):
    with app.app_context():  # one context per request, as in production (g is per request)
        https = app.test_client().get("/accessibilite", base_url="https://tool.example.org")
    cookie = _session_cookie(https)
    assert "Secure" in cookie and "SameSite=None" in cookie and "Partitioned" in cookie
    assert "HttpOnly" in cookie
    with app.app_context():
        plain = app.test_client().get("/accessibilite", base_url="http://tool.example.org")
    assert "SameSite=Lax" in _session_cookie(plain) and "Secure" not in _session_cookie(plain)


def test_https_seen_through_a_trusted_proxy(tmp_path, migrated_template):
    proxied = create_app({**base_config(tmp_path), "TRUSTED_PROXIES": 1})
    resp = proxied.test_client().get(
        "/accessibilite", base_url="http://10.0.0.5:8000",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"},
    )  # fmt: skip
    assert "Secure" in _session_cookie(resp) and "Partitioned" in _session_cookie(resp)
    _dispose(proxied)


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_login_endpoints_are_rate_limited_per_ip_with_a_clear_page(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "3/minute"
    codes = [client.get("/lti/login").status_code for _ in range(3)]
    assert 429 not in codes
    limited = client.get("/lti/login")
    assert limited.status_code == 429
    text = limited.get_data(as_text=True)
    assert "Trop de tentatives de connexion" in text and "60 secondes" in text
    assert limited.headers["Retry-After"] == "60"
    # Another address has its own budget; the launch endpoint has its own counter.
    other = client.get("/lti/login", environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other.status_code != 429
    assert client.post("/lti/launch").status_code != 429
    assert client.get("/healthz").status_code == 200  # not limited


def test_login_limit_decorator_applies_to_a_password_login(
    tmp_path, migrated_template, monkeypatch
):
    app = create_app({**base_config(tmp_path), "LOGIN_RATE_LIMIT": "2/minute"})
    monkeypatch.setitem(policy.POLICY, "coordinator_login", policy.PUBLIC)

    @app.post("/coordinator-login")
    @login_limit
    def coordinator_login():
        return "no"

    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    codes = [client.post("/coordinator-login").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    _dispose(app)


def test_request_id_is_echoed_or_generated(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    evil = client.get("/healthz", headers={"X-Request-ID": 'x" injected {'}).headers
    assert evil["X-Request-ID"] != 'x" injected {'


def test_json_log_lines_carry_the_request_id_and_never_secrets(app, client, monkeypatch):
    monkeypatch.setitem(policy.POLICY, "_probe", policy.PUBLIC)
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = core_logging.configure("INFO", "json", stream)
    try:
        log = logging.getLogger("catalyst_training.test")

        @app.get("/_log_probe")  # noqa: RUF100
        def _probe():
            log.info("launch id_token=%s state=ok", JWT)
            log.warning("token call: Authorization: Bearer sk-live-abcdef123456 password=hunter2")
            log.warning("form %s", {"client_assertion": JWT, "client_secret": "s3cr3t"})
            return "ok"

        assert client.get("/_log_probe", headers={"X-Request-ID": "req-42"}).status_code == 200
        log.info("outside a request")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    probe = [x for x in lines if x["logger"] == "catalyst_training.test"]
    assert [x["request_id"] for x in probe] == ["req-42"] * 3 + ["-"]
    assert probe[0]["path"] == "/_log_probe" and "state=ok" in probe[0]["message"]
    dump = stream.getvalue()
    for secret in (JWT, "sk-live-abcdef123456", "hunter2", "s3cr3t"):
        assert secret not in dump, secret
    assert dump.count("[redacted]") >= 5
