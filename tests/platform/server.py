"""TestPlatform: a real-HTTP LTI 1.3 platform (Open edX flavoured) built on lti1p3platform."""

import secrets
import threading
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from . import forge
from .client import (
    LaunchResult,
    LocalSession,
    LoginResult,
    PlatformError,
    ServerThread,
    find_form,
    parse_forms,
)
from .endpoints import PlatformEndpoints
from .lti import DictRequest, LaunchSpec, PlatformConf, PlatformOIDCLogin, make_launch, role_uris

TIMEOUT = 10


class TestPlatform(PlatformEndpoints):
    """A running LTI 1.3 platform: /jwks, /auth, /token, /deep_link_return on 127.0.0.1."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        tool_base_url: str,
        *,
        issuer: str | None = None,
        client_id: str | None = None,
        deployment_id: str = "1",
        name: str | None = None,
        tool_login_url: str | None = None,
        tool_launch_url: str | None = None,
        tool_jwks_url: str | None = None,
        redirect_uris: list[str] | None = None,
    ) -> None:
        tag = secrets.token_hex(4)
        base = tool_base_url.rstrip("/")
        self.tool_base_url = base
        self.issuer = issuer or f"https://edx.test/platform-{tag}"
        self.client_id = client_id or f"client-{tag}"
        self.deployment_id = deployment_id
        self.name = name or f"Test Open edX {tag}"
        self.tool_login_url = tool_login_url or f"{base}/lti/login"
        self.tool_launch_url = tool_launch_url or f"{base}/lti/launch"
        self.tool_jwks_url = tool_jwks_url or f"{base}/lti/jwks.json"
        self.redirect_uris = list(redirect_uris or [self.tool_launch_url])
        self._keys: list[tuple[str, Any]] = []  # (kid, private key); last one signs
        self.rotate_key()
        self.jwks_fetches = 0
        self.tool_jwks_fetches = 0
        self.deep_link_items: list[dict[str, Any]] = []
        self.deep_link_responses: list[dict[str, Any]] = []
        self.token_requests: list[dict[str, Any]] = []
        self.errors: list[tuple[str, str]] = []
        self._pending: dict[str, LaunchSpec] = {}
        self._last_deep_link: LaunchSpec | None = None
        self._seen_jti: set[str] = set()
        self._lock = threading.Lock()
        self.app = self.build_app()
        self._server = ServerThread(self.app)

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> "TestPlatform":
        """Start the HTTP server."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop the HTTP server."""
        self._server.stop()

    def __enter__(self) -> "TestPlatform":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @staticmethod
    def session() -> LocalSession:
        """Return a requests session that behaves like a browser on localhost."""
        return LocalSession()

    # -- identity ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """Return http://127.0.0.1:<port> of the platform server."""
        return self._server.base_url

    @property
    def auth_login_url(self) -> str:
        """Return the OIDC authorization endpoint."""
        return f"{self.base_url}/auth"

    @property
    def auth_token_url(self) -> str:
        """Return the OAuth2 token endpoint."""
        return f"{self.base_url}/token"

    @property
    def key_set_url(self) -> str:
        """Return the platform JWKS URL."""
        return f"{self.base_url}/jwks"

    @property
    def deep_link_return_url(self) -> str:
        """Return the deep-linking return endpoint."""
        return f"{self.base_url}/deep_link_return"

    @property
    def kid(self) -> str:
        """Return the kid of the current signing key."""
        return self._keys[-1][0]

    @property
    def private_key(self) -> Any:
        """Return the current signing key (cryptography object)."""
        return self._keys[-1][1]

    @property
    def private_key_pem(self) -> str:
        """Return the current signing key as PEM."""
        return forge.private_pem(self.private_key)

    @property
    def public_key_pem(self) -> str:
        """Return the current public key as PEM."""
        return forge.public_pem(self.private_key)

    @property
    def public_jwk(self) -> dict[str, Any]:
        """Return the current public key as a JWK."""
        return forge.public_jwk(self.private_key, self.kid)

    @property
    def jwks(self) -> dict[str, Any]:
        """Return the published key set (all keys, newest last)."""
        return {"keys": [forge.public_jwk(key, kid) for kid, key in self._keys]}

    def rotate_key(self, keep_old: bool = True) -> str:
        """Sign with a brand-new key from now on; return its kid."""
        entry = (forge.new_kid("platform"), forge.generate_rsa_key())
        self._keys = [*self._keys, entry] if keep_old else [entry]
        return entry[0]

    def registration(self) -> dict[str, str]:
        """Return what the tool must store for this platform (issuer, client_id, URLs...)."""
        names = ("issuer", "client_id", "auth_login_url", "auth_token_url", "key_set_url")
        return {
            **{n: getattr(self, n) for n in names},
            "deployment_id": self.deployment_id,
            "name": self.name,
        }

    def register_cli_args(self) -> list[str]:
        """Return the tool CLI arguments that register this platform."""
        pairs = [("--" + k.replace("_", "-"), v) for k, v in self.registration().items()]
        return [item for pair in pairs for item in pair]

    # -- driving the tool ------------------------------------------------------------------
    def spec(self, role: str | list[str] = "learner", **options: Any) -> LaunchSpec:
        """Build a LaunchSpec; options are LaunchSpec fields (user_id, custom, locale...)."""
        return LaunchSpec(roles=role_uris(role), **options)

    def begin_login(
        self,
        session: requests.Session,
        role: str | list[str] = "learner",
        *,
        login_method: str = "GET",
        login_overrides: dict[str, str | None] | None = None,
        **options: Any,
    ) -> LoginResult:
        """Do only the OIDC initiation; return the state/nonce the tool issued (if any)."""
        spec = self.spec(role, **options)
        hint = secrets.token_urlsafe(12)
        with self._lock:
            self._pending[hint] = spec
        oidc = PlatformOIDCLogin(None, PlatformConf(platform=self))
        oidc.set_lti_message_hint(lti_message_hint=hint)
        oidc.set_launch_url(spec.target_link_uri or self.tool_launch_url)
        url = oidc.initiate_login(spec.user_id)
        params = dict(parse_qsl(urlsplit(url).query))
        for key, value in (login_overrides or {}).items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        if login_method.upper() == "POST":
            resp = session.post(
                self.tool_login_url, data=params, allow_redirects=False, timeout=TIMEOUT
            )
        else:
            resp = session.get(
                self.tool_login_url, params=params, allow_redirects=False, timeout=TIMEOUT
            )
        result = LoginResult(resp, lti_message_hint=hint)
        location = resp.headers.get("Location") if resp.is_redirect else None
        if location and location.startswith(self.auth_login_url):
            result.location = location
            result.params = dict(parse_qsl(urlsplit(location).query))
            result.state, result.nonce = result.params.get("state"), result.params.get("nonce")
        return result

    def authorize(self, session: requests.Session, login: LoginResult) -> tuple[str, str, str]:
        """Follow the tool's redirect to /auth; return (launch url, id_token, state)."""
        if not login.location:
            raise PlatformError(
                f"tool login did not redirect to {self.auth_login_url}: "
                f"{login.response.status_code} {login.response.headers.get('Location')!r}"
            )
        resp = session.get(login.location, allow_redirects=False, timeout=TIMEOUT)
        if resp.status_code != 200:
            raise PlatformError(f"platform /auth refused the tool's request: {resp.text}")
        form = parse_forms(resp.text, resp.url)[0]
        return form.action, form.fields["id_token"], form.fields["state"]

    def launch(
        self, session: requests.Session, role: str | list[str] = "learner", **options: Any
    ) -> LaunchResult:
        """Run the whole login → auth → id_token POST flow; return the tool's final answer."""
        login = self.begin_login(session, role, **options)
        if not login.ok:
            return LaunchResult(response=login.response, login=login)
        action, id_token, state = self.authorize(session, login)
        resp = self.post_launch(session, id_token, state, url=action)
        claims = forge.unverified_claims(id_token)
        return LaunchResult(resp, login, id_token, state, claims.get("nonce"), claims)

    def submit_deep_link_response(
        self, session: requests.Session, response: requests.Response | str
    ) -> list[dict[str, Any]]:
        """POST the tool's auto-submit JWT form to our return URL; return the content items."""
        text = response if isinstance(response, str) else response.text
        form = find_form(text, "JWT")
        if form is None:
            raise PlatformError("no form with a JWT field in the tool's response")
        if form.action != self.deep_link_return_url:
            raise PlatformError(f"deep-link form posts to {form.action!r}")
        before = len(self.deep_link_items)
        resp = session.post(form.action, data=form.fields, allow_redirects=False, timeout=TIMEOUT)
        if resp.status_code != 200:
            raise PlatformError(f"platform refused the deep-link response: {resp.text}")
        return self.deep_link_items[before:]

    # -- forgery helpers -----------------------------------------------------------------
    def post_launch(
        self,
        session: requests.Session,
        id_token: str | None,
        state: str | None,
        url: str | None = None,
    ) -> requests.Response:
        """POST id_token/state (None = field omitted) straight to the tool's launch URL."""
        data = {k: v for k, v in (("id_token", id_token), ("state", state)) if v is not None}
        return session.post(
            url or self.tool_launch_url, data=data, allow_redirects=False, timeout=TIMEOUT
        )

    def claims_for(
        self, role: str | list[str] = "learner", *, nonce: str | None = None, **options: Any
    ) -> dict[str, Any]:
        """Return the claims a normal launch would carry (iat/exp/nonce included)."""
        spec = self.spec(role, **options)
        request = DictRequest({"nonce": nonce or secrets.token_urlsafe(16), "state": ""})
        launch = make_launch(self, request, spec)
        launch._registration = launch._platform_config.get_registration()
        return forge.unverified_claims(launch.generate_launch_request()["id_token"])

    def sign(
        self,
        claims: dict[str, Any],
        headers: dict[str, Any] | None = None,
        key: Any = None,
        alg: str = "RS256",
    ) -> str:
        """Sign claims (kid header defaults to ours; pass {"kid": None} to drop it)."""
        return forge.sign(
            claims, key or self.private_key, {"kid": self.kid, **(headers or {})}, alg
        )

    def sign_none(self, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
        """Return an alg=none token (with our kid) for the given claims."""
        return forge.sign_none(claims, {"kid": self.kid, **(headers or {})})

    def sign_hs256_with_public_key(
        self, claims: dict[str, Any], headers: dict[str, Any] | None = None
    ) -> str:
        """Return an HS256 token whose HMAC secret is our public key PEM (key confusion)."""
        return forge.sign_hs256(claims, self.public_key_pem, {"kid": self.kid, **(headers or {})})
