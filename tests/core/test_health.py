"""Health, /api/me without a session, error pages and security headers."""


def test_healthz_checks_database_and_cache(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_api_me_is_401_without_session(client):
    resp = client.get("/api/me")
    assert resp.status_code == 401
    assert resp.get_json()["error"] == "unauthenticated"


def test_role_pages_need_a_launch(client):
    for path in ("/learn/", "/mentor/", "/console/"):
        resp = client.get(path)
        assert resp.status_code == 401
        assert "relancez" in resp.get_data(as_text=True).lower()


def test_security_headers(client):
    resp = client.get("/")
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp
    assert "script-src 'self'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_english_interface(client):
    resp = client.get("/", headers={"Accept-Language": "en"})
    assert resp.status_code == 200
    assert 'lang="en"' in resp.get_data(as_text=True)


def test_language_switch_requires_csrf(client):
    assert client.post("/lang", data={"lang": "en"}).status_code == 400
