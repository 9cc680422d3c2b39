"""Self-test of the LTI test platform against a tiny fake tool (not the real app)."""

import secrets
import time
import uuid
from collections.abc import Iterator
from typing import Any

import flask
import jwt
import pytest
import requests

from tests.platform import (
    CLAIM,
    DL_DATA,
    DL_ITEMS,
    DL_SETTINGS,
    ROLES,
    PlatformError,
    ServerThread,
    TestPlatform,
    auth_redirect_url,
    forge,
)

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class FakeTool:
    """A deliberately small LTI 1.3 tool: OIDC login, launch verification, JWKS, deep linking."""

    def __init__(self) -> None:
        self.key = forge.generate_rsa_key()
        self.kid = forge.new_kid("tool")
        self.base_url = ""
        self.platform: TestPlatform | None = None
        self.platform_keys: dict[str, Any] = {}
        self.nonces: dict[str, str] = {}
        self.app = flask.Flask(__name__)
        self.app.add_url_rule("/lti/login", "login", self.login, methods=["GET", "POST"])
        self.app.add_url_rule("/lti/launch", "launch", self.launch, methods=["POST"])
        self.app.add_url_rule("/lti/jwks.json", "jwks", self.jwks)

    def login(self) -> flask.Response:
        """Answer the OIDC initiation with a redirect to the platform and a state cookie."""
        p, args = self.platform, flask.request.values
        if p is None or args.get("iss") != p.issuer or args.get("client_id") != p.client_id:
            return flask.Response("unknown platform", status=400)
        state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.nonces[state] = nonce
        resp = flask.redirect(auth_redirect_url(p.auth_login_url, p.client_id, args, state, nonce))
        resp.set_cookie("lti_state", state, secure=True, httponly=True, samesite="None")
        return resp

    def _platform_key(self, kid: str) -> Any:
        if kid not in self.platform_keys:  # cache, refetch only on an unknown kid
            jwks = requests.get(self.platform.key_set_url, timeout=5).json()
            self.platform_keys = {k["kid"]: jwt.PyJWK(k).key for k in jwks["keys"]}
        return self.platform_keys[kid]

    def launch(self) -> Any:
        """Verify the id_token; answer 200 JSON claims, or a deep-link form, or 401."""
        p, form = self.platform, flask.request.form
        state = form.get("state", "")
        if not state or flask.request.cookies.get("lti_state") != state:
            return flask.Response("bad state", status=401)
        try:
            header = jwt.get_unverified_header(form.get("id_token", ""))
            claims = jwt.decode(
                form["id_token"],
                self._platform_key(header.get("kid", "")),
                algorithms=["RS256"],
                audience=p.client_id,
                issuer=p.issuer,
                options={"require": ["exp", "iat", "sub", "nonce"]},
            )
        except (jwt.PyJWTError, KeyError) as exc:
            return flask.Response(f"rejected: {exc}", status=401)
        if self.nonces.pop(state, None) != claims["nonce"]:
            return flask.Response("bad nonce", status=401)
        if claims.get(CLAIM + "deployment_id") != p.deployment_id:
            return flask.Response("bad deployment", status=401)
        if claims[CLAIM + "message_type"] == "LtiDeepLinkingRequest":
            return self.deep_link_form(claims)
        return flask.jsonify(claims)

    def deep_link_form(self, claims: dict[str, Any]) -> str:
        """Render the auto-submit deep-linking response form."""
        settings = claims[DL_SETTINGS]
        now = int(time.time())
        response = {
            "iss": self.platform.client_id,
            "aud": self.platform.issuer,
            "iat": now,
            "exp": now + 60,
            "nonce": secrets.token_urlsafe(8),
            CLAIM + "deployment_id": claims[CLAIM + "deployment_id"],
            CLAIM + "message_type": "LtiDeepLinkingResponse",
            CLAIM + "version": "1.3.0",
            DL_DATA: settings.get("data"),
            DL_ITEMS: [{"type": "ltiResourceLink", "title": "Module 1", "url": "https://t/m1"}],
        }
        token = jwt.encode(response, self.key, algorithm="RS256", headers={"kid": self.kid})
        return (
            f'<form method="post" action="{settings["deep_link_return_url"]}">'
            f'<input type="hidden" name="JWT" value="{token}"></form>'
            "<script>document.forms[0].submit()</script>"
        )

    def jwks(self) -> flask.Response:
        """Publish the tool's public key."""
        return flask.jsonify({"keys": [forge.public_jwk(self.key, self.kid)]})

    def client_assertion(self, platform: TestPlatform, key: Any = None) -> str:
        """Sign a client_credentials assertion as PyLTI1p3 does."""
        now = int(time.time())
        claims = {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "iat": now,
            "exp": now + 60,
            "aud": platform.auth_token_url,
            "jti": str(uuid.uuid4()),
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture
def tool() -> Iterator[FakeTool]:
    fake = FakeTool()
    with ServerThread(fake.app) as server:
        fake.base_url = server.base_url
        yield fake


@pytest.fixture
def platform(tool: FakeTool) -> Iterator[TestPlatform]:
    with TestPlatform(tool.base_url) as plat:
        tool.platform = plat
        yield plat


@pytest.fixture
def session(platform: TestPlatform) -> Iterator[requests.Session]:
    with platform.session() as s:
        yield s


@pytest.mark.parametrize("role", ["learner", "mentor", "coordinator"])
def test_launch_reaches_tool_with_open_edx_claims(platform, session, role):
    result = platform.launch(session, role, locale="fr", custom={"module": "m1"})
    assert result.response.status_code == 200, result.response.text
    claims = result.response.json()
    assert claims == result.claims
    assert claims[CLAIM + "roles"] == [ROLES[role]]
    assert claims["sub"] == "u1" and "name" not in claims and "email" not in claims
    assert claims["nonce"] == result.nonce == result.login.nonce
    assert claims[CLAIM + "message_type"] == "LtiResourceLinkRequest"
    assert claims[CLAIM + "target_link_uri"] == platform.tool_launch_url
    assert claims[CLAIM + "context"]["id"] == "course-v1:FUN+CAT+2026"
    assert claims[CLAIM + "resource_link"] == {"id": "rl1"}
    assert claims[CLAIM + "launch_presentation"] == {"document_target": "iframe", "locale": "fr"}
    assert claims[CLAIM + "custom"] == {"module": "m1"}
    assert jwt.get_unverified_header(result.id_token)["kid"] == platform.kid


def test_platform_jwks_fetches_are_counted(platform, session):
    assert platform.launch(session).response.status_code == 200
    second = platform.launch(session, user_id="u2", name="Ada", email="a@x.fr", login_method="POST")
    assert second.response.ok and second.claims["name"] == "Ada"
    assert platform.jwks_fetches == 1  # the fake tool caches by kid
    old_kid = platform.kid
    assert platform.rotate_key() != old_kid
    assert platform.launch(session).response.status_code == 200
    assert platform.jwks_fetches == 2
    assert {k["kid"] for k in platform.jwks["keys"]} == {old_kid, platform.kid}


def test_deep_link_round_trip(platform, session):
    result = platform.launch(session, "mentor", message_type="deep_link", dl_data="opaque")
    assert result.claims[CLAIM + "message_type"] == "LtiDeepLinkingRequest"
    settings = result.claims[DL_SETTINGS]
    assert settings["deep_link_return_url"] == platform.deep_link_return_url
    assert settings["accept_types"] == ["ltiResourceLink"] and settings["data"] == "opaque"
    items = platform.submit_deep_link_response(session, result.response)
    assert items == [{"type": "ltiResourceLink", "title": "Module 1", "url": "https://t/m1"}]
    assert platform.deep_link_items == items and platform.tool_jwks_fetches == 1


def test_deep_link_response_is_validated(platform, session):
    result = platform.launch(session, message_type="deep_link", dl_data="expected")
    forged = result.response.text.replace('name="JWT" value="', 'name="JWT" value="x')
    with pytest.raises(PlatformError, match="refused"):
        platform.submit_deep_link_response(session, forged)
    assert platform.deep_link_items == [] and platform.errors[-1][0] == "deep_link_return"


def test_forgery_helpers_are_rejected_by_a_verifying_tool(platform, session):
    login = platform.begin_login(session, "learner")
    assert login.ok and login.response.status_code == 302
    claims = platform.claims_for("learner", nonce=login.nonce)
    expired = {**claims, "iat": claims["iat"] - 900, "exp": claims["iat"] - 600}
    wrong_aud = {**claims, "aud": "someone-else"}
    forgeries = [
        platform.sign_none(claims),
        platform.sign_hs256_with_public_key(claims),
        platform.sign(claims, key=forge.generate_rsa_key()),
        platform.sign(expired),
        platform.sign(wrong_aud),
        forge.tamper(platform.sign(claims), {**claims, "sub": "admin"}),
    ]
    for token in forgeries:
        assert platform.post_launch(session, token, login.state).status_code == 401
    good = platform.post_launch(session, platform.sign(claims), login.state)
    assert good.status_code == 200 and good.json()["sub"] == "u1"
    assert platform.post_launch(session, platform.sign(claims), login.state).status_code == 401


def test_plain_requests_session_drops_secure_cookies(platform):
    with requests.Session() as plain:
        assert platform.launch(plain).response.status_code == 401


def test_auth_endpoint_rejects_bad_oidc_requests(platform, session):
    login = platform.begin_login(session, login_overrides={"client_id": None})
    assert login.response.status_code == 400 and not login.ok
    login = platform.begin_login(session)
    bad = login.location.replace("response_mode=form_post", "response_mode=query")
    resp = session.get(bad, timeout=5)
    assert resp.status_code == 400 and "response_mode" in resp.text
    assert session.get(platform.auth_login_url, timeout=5).status_code == 400


def test_token_endpoint_client_credentials(platform, tool):
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": JWT_BEARER,
        "client_assertion": tool.client_assertion(platform),
        "scope": "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    }
    resp = requests.post(platform.auth_token_url, data=form, timeout=5)
    assert resp.status_code == 200, resp.text
    token = jwt.decode(resp.json()["access_token"], platform.public_key_pem, algorithms=["RS256"])
    assert token["sub"] == platform.client_id and token["scopes"] == form["scope"]
    replay = requests.post(platform.auth_token_url, data=form, timeout=5)
    assert replay.status_code == 400
    form["client_assertion"] = tool.client_assertion(platform, key=forge.generate_rsa_key())
    assert requests.post(platform.auth_token_url, data=form, timeout=5).status_code == 400


def test_registration_args_and_shared_issuer(platform, tool):
    args = platform.register_cli_args()
    assert args[:4] == ["--issuer", platform.issuer, "--client-id", platform.client_id]
    assert args[args.index("--key-set-url") + 1] == platform.key_set_url
    assert args[-2] == "--name" and "--deployment-id" in args
    with TestPlatform(tool.base_url, issuer=platform.issuer) as other:
        assert other.issuer == platform.issuer and other.client_id != platform.client_id
        assert other.auth_login_url != platform.auth_login_url
