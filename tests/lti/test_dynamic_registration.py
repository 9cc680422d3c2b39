"""LTI Dynamic Registration against a local fake Moodle, then a launch once approved."""

from __future__ import annotations

import json
from typing import Any

import flask
import pytest

from tests.platform import ServerThread, TestPlatform

TOOL_CONF = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONF = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOKEN = "reg-token-123"


class FakeMoodle:
    """openid-configuration + registration endpoint; launches are served by a TestPlatform."""

    def __init__(self, platform: TestPlatform) -> None:
        self.platform = platform
        self.overrides: dict[str, Any] = {}
        self.answer: dict[str, Any] | None = None
        self.requests: list[dict[str, Any]] = []
        app = flask.Flask(__name__)
        app.add_url_rule("/mod/lti/openid-configuration.php", "conf", self.conf)
        app.add_url_rule("/mod/lti/openid-registration.php", "reg", self.reg, methods=["POST"])
        self.server = ServerThread(app)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def config_url(self) -> str:
        return f"{self.base_url}/mod/lti/openid-configuration.php"

    def _auth_ok(self) -> bool:
        return flask.request.headers.get("Authorization") == f"Bearer {TOKEN}"

    def conf(self):
        if not self._auth_ok():
            return flask.jsonify({"error": "invalid token"}), 401
        p = self.platform
        config = {
            "issuer": self.base_url,
            "authorization_endpoint": p.auth_login_url,
            "token_endpoint": p.auth_token_url,
            "jwks_uri": p.key_set_url,
            "registration_endpoint": f"{self.base_url}/mod/lti/openid-registration.php",
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid"],
            "response_types_supported": ["id_token"],
            PLATFORM_CONF: {
                "product_family_code": "moodle",
                "version": "4.3",
                "messages_supported": [
                    {"type": "LtiResourceLinkRequest"},
                    {"type": "LtiDeepLinkingRequest"},
                ],
            },
        }
        config.update(self.overrides)
        return flask.jsonify({k: v for k, v in config.items() if v is not None})

    def reg(self):
        if not self._auth_ok():
            return flask.jsonify({"error": "invalid token"}), 401
        body = flask.request.get_json()
        self.requests.append(body)
        if self.answer is not None:
            return flask.jsonify(self.answer)
        return flask.jsonify(
            {**body, "client_id": "moodle-client-1", TOOL_CONF: {**body[TOOL_CONF],
                                                                   "deployment_id": "7"}}
        )  # fmt: skip


def register(client, moodle: FakeMoodle, **params: str):
    query = {"openid_configuration": moodle.config_url, "registration_token": TOKEN, **params}
    return client.get("/lti/register", query_string=query)


def listed(cli) -> list[dict[str, Any]]:
    return json.loads(cli("platform", "list", "--json").output)


def test_register_then_approve_then_launch(client, cli, moodle):
    resp = register(client, moodle)
    assert resp.status_code == 200, resp.text
    assert "data-lti-close" in resp.text and "js/lti-storage.js" in resp.text
    (sent,) = moodle.requests
    assert sent["application_type"] == "web"
    assert sent["response_types"] == ["id_token"]
    assert set(sent["grant_types"]) == {"implicit", "client_credentials"}
    assert sent["initiate_login_uri"].endswith("/lti/login")
    assert sent["redirect_uris"] == [sent[TOOL_CONF]["target_link_uri"]]
    assert sent["jwks_uri"].endswith("/lti/jwks.json")
    assert sent["token_endpoint_auth_method"] == "private_key_jwt"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in sent["scope"].split()
    assert "contextmembership.readonly" in sent["scope"]
    assert {m["type"] for m in sent[TOOL_CONF]["messages"]} == {
        "LtiResourceLinkRequest",
        "LtiDeepLinkingRequest",
    }
    assert sent[TOOL_CONF]["domain"] == "localhost"

    (platform,) = listed(cli)
    assert platform["issuer"] == moodle.base_url
    assert platform["client_id"] == "moodle-client-1"
    assert platform["deployments"] == [{"deployment_id": "7", "active": True}]
    assert platform["active"] is False
    assert platform["auth_login_url"] == moodle.platform.auth_login_url

    plat = moodle.platform
    plat.client_id, plat.deployment_id = "moodle-client-1", "7"
    refused = plat.launch(TestPlatform.session(), "learner")
    assert refused.response.status_code == 400  # login: platform not active yet

    result = cli("platform", "approve", moodle.base_url)
    assert result.exit_code == 0, result.output
    assert listed(cli)[0]["active"] is True
    session = TestPlatform.session()
    launched = plat.launch(session, "learner", user_id="moodle-user")
    assert launched.response.status_code == 303, launched.response.text
    me = session.get(plat.tool_base_url + "/api/me", timeout=5).json()
    assert me["sub"] == "moodle-user" and me["role"] == "learner"


def test_auto_approve_setting(app, client, cli, moodle):
    app.config["AUTO_APPROVE_REGISTRATIONS"] = True
    assert register(client, moodle).status_code == 200
    assert listed(cli)[0]["active"] is True


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"issuer": "http://127.0.0.2:9"}, "metteur"),
        ({"jwks_uri": None}, "jwks_uri"),
        ({"registration_endpoint": "not a url"}, "registration_endpoint"),
        ({"token_endpoint_auth_methods_supported": ["client_secret_basic"]}, "private_key_jwt"),
        ({PLATFORM_CONF: {"messages_supported": [{"type": "LtiDeepLinkingRequest"}]}},
         "LtiResourceLinkRequest"),
        ({PLATFORM_CONF: None}, "Configuration LTI"),
    ],
)  # fmt: skip
def test_bad_configurations_are_refused(client, cli, moodle, overrides, fragment):
    moodle.overrides = overrides
    resp = register(client, moodle)
    assert resp.status_code == 400
    assert fragment in resp.text
    assert listed(cli) == []
    assert moodle.requests == []


def test_missing_parameter_and_bad_token(client, cli, moodle):
    assert client.get("/lti/register").status_code == 400
    resp = register(client, moodle, registration_token="wrong")
    assert resp.status_code == 400 and "401" in resp.text
    assert listed(cli) == []


def test_https_required_outside_tests(app, client, moodle):
    app.config["OUTBOUND_ALLOW"] = ""  # production: no loopback, https only
    resp = register(client, moodle)
    assert resp.status_code == 400
    assert "HTTPS" in resp.text


def test_platform_answer_without_ids_is_refused(client, cli, moodle):
    moodle.answer = {"client_id": "x"}
    resp = register(client, moodle)
    assert resp.status_code == 502 and "deployment_id" in resp.text
    assert listed(cli) == []


def test_registering_twice_is_a_conflict(client, moodle):
    assert register(client, moodle).status_code == 200
    assert register(client, moodle).status_code == 409


def test_registration_page_can_be_framed_by_the_platform_being_registered(client, moodle):
    resp = register(client, moodle)
    assert resp.status_code == 200
    origin = moodle.base_url.rstrip("/")
    ancestors = resp.headers["Content-Security-Policy"].split("frame-ancestors", 1)[1]
    assert origin in ancestors  # the platform is still inactive: only this page allows it
    assert f'data-lti-close-origin="{origin}"' in resp.get_data(as_text=True)
    other = client.get("/lti/config.json").headers["Content-Security-Policy"]
    assert origin not in other.split("frame-ancestors", 1)[1]


def test_a_refused_registration_is_not_framed_by_the_asking_site(app, client, moodle):
    app.config["OUTBOUND_ALLOW"] = ""
    resp = register(client, moodle)
    assert resp.status_code == 400
    ancestors = resp.headers["Content-Security-Policy"].split("frame-ancestors", 1)[1]
    assert moodle.base_url.rstrip("/") not in ancestors
