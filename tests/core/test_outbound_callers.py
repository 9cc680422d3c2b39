"""Every caller that reaches a platform goes through the outbound policy (production mode)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from catalyst_training.delivery.outbox import Job
from catalyst_training.delivery.transports import DeliveryError, ags, outcomes11
from catalyst_training.lti import groups, jwks, keys, oauth, roster
from catalyst_training.lti.models import Platform
from tests.core.loopback import ok, serve


@pytest.fixture
def production(app):
    """The app with no network allowed beyond public addresses (as in production)."""
    app.config["OUTBOUND_ALLOW"] = ""
    oauth._tokens.clear()
    return app


@pytest.fixture
def server():
    """A loopback server every refused call must leave untouched."""
    with serve() as running:
        running.routes.update({"/any": ok})
        yield running


def _url(server, path="/any", host="127.0.0.1") -> str:
    return f"http://{host}:{server.server_address[1]}{path}"


def _job(url: str) -> Job:
    return Job(
        id=1, attempts=1, user_sub="u", module_slug="m", mode="declarative",
        lineitem_url=url, lineitems_url=url, resource_link_id="rl",
        scopes=(ags.SCORE_SCOPE,), platform_id=1, issuer="https://lms.example",
        client_id="c", token_url=url, audience=None,
        score={"score_given": 1.0, "score_maximum": 100.0, "activity_progress": "Completed",
               "grading_progress": "FullyGraded", "comment": None},
        timestamp=datetime.now(UTC),
    )  # fmt: skip


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_jwks_fetch_is_refused(production, server, host):
    assert jwks.fetch_jwks(_url(server, host=host)) is None
    assert server.hits == []


def test_token_request_is_refused(production, server):
    keys.ensure_key()
    client = oauth.Client(1, "c", _url(server))
    with pytest.raises(oauth.TokenError, match="not a public address"):
        oauth.access_token(client, ("scope",), timeout=2)
    assert server.hits == []


def test_ags_score_and_token_are_refused(production, server):
    with pytest.raises(DeliveryError):
        ags.deliver(_job(_url(server)))
    assert server.hits == []


def test_lti11_outcome_is_refused(production, server, monkeypatch):
    url = _url(server)
    monkeypatch.setattr(outcomes11, "_target", lambda job: (url, "sourcedid", "key", "secret"))
    with pytest.raises(DeliveryError, match="unreachable"):
        outcomes11.deliver(_job(url))
    assert server.hits == []


def test_nrps_pages_are_refused(production, server):
    with pytest.raises(roster.RosterError, match="not a public address"):
        list(roster.fetch_pages(_url(server), "token"))
    assert server.hits == []


def test_nrps_next_link_to_another_address_is_refused_without_the_token(app):
    app.config["OUTBOUND_ALLOW"] = "127.0.0.1/32"
    with serve("127.0.0.2") as inner, serve() as outer:
        inner.routes["/page2"] = ok

        def first(handler) -> None:
            handler.send_response(200)
            following = f"http://127.0.0.2:{inner.server_address[1]}/page2"
            handler.send_header("Link", f'<{following}>; rel="next"')
            handler.end_headers()
            handler.wfile.write(json.dumps({"members": []}).encode())

        outer.routes["/page1"] = first
        with pytest.raises(roster.RosterError, match="not a public address"):
            list(roster.fetch_pages(_url(outer, "/page1"), "bearer-secret"))
        assert outer.hits == ["/page1"] and inner.hits == []


def test_course_groups_are_refused(production, server, monkeypatch):
    monkeypatch.setattr(groups, "access_token", lambda *args, **kwargs: "token")
    platform = Platform(name="P", issuer="https://p", client_id="c")
    with pytest.raises(groups.GroupsError, match="not a public address"):
        groups.fetch_groups(platform, _url(server), "u")
    assert server.hits == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.0.0.1", "[::1]"])
def test_dynamic_registration_is_refused(production, client, server, host):
    port = server.server_address[1]
    config_url = f"https://{host}:{port}/.well-known/openid-configuration"
    resp = client.get("/lti/register", query_string={"openid_configuration": config_url})
    assert resp.status_code == 400
    assert "refusée" in resp.get_data(as_text=True)
    assert server.hits == []
