"""Coordinator accounts: `users add-coordinator`, /auth/login with CSRF, rate limit, console."""

from __future__ import annotations

import re

from catalyst_training.auth.models import User
from catalyst_training.extensions import db

PASSWORD = "correct horse battery"


def _token(client) -> str:
    page = client.get("/auth/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_add_coordinator_hashes_password(cli, app):
    result = cli("users", "add-coordinator", "Coord@Example.org", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="coord@example.org").one()
    assert user.is_coordinator_account
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert PASSWORD not in user.password_hash
    short = cli("users", "add-coordinator", "x@example.org", input="short\n")
    assert short.exit_code != 0 and "12" in short.output


def test_login_opens_console_over_all_contexts(cli, client, app):
    cli("users", "add-coordinator", "coord@example.org", input=PASSWORD + "\n")
    page = client.get("/auth/login")
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.get_data(
        as_text=True
    )
    no_csrf = client.post("/auth/login", data={"email": "coord@example.org", "password": PASSWORD})
    assert no_csrf.status_code == 400
    wrong = client.post(
        "/auth/login",
        data={"csrf_token": _token(client), "email": "coord@example.org", "password": "nope"},
    )
    assert wrong.status_code == 401 and "incorrect" in wrong.get_data(as_text=True)
    ok = client.post(
        "/auth/login",
        data={"csrf_token": _token(client), "email": "coord@example.org", "password": PASSWORD},
    )
    assert ok.status_code == 303 and ok.headers["Location"].endswith("/console/")
    assert client.get("/console/").status_code == 200
    me = client.get("/api/me").get_json()
    assert me["role"] == "coordinator" and me["context"] is None


def test_failed_logins_are_rate_limited(cli, client, app):
    cli("users", "add-coordinator", "coord@example.org", input=PASSWORD + "\n")
    token = _token(client)
    codes = [
        client.post(
            "/auth/login",
            data={"csrf_token": token, "email": "coord@example.org", "password": "bad"},
        ).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [401] * 10 and codes[10] == 429
