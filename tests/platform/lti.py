"""lti1p3platform adapters: request wrappers, registration, platform config, OIDC and launch."""

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jwt
from lti1p3platform.exceptions import LtiException, PreflightRequestValidationException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest

from .client import auto_submit_form

if TYPE_CHECKING:
    from .server import TestPlatform

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DL_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"
ROLES = {
    "learner": "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
    "mentor": "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "coordinator": "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
}
MESSAGE_TYPES = {"resource": "LtiResourceLinkRequest", "deep_link": "LtiDeepLinkingRequest"}


def role_uris(role: str | list[str]) -> list[str]:
    """Map "learner"/"mentor"/"coordinator" (or URIs, or a list of either) to role URIs."""
    roles = [role] if isinstance(role, str) else list(role)
    return [ROLES.get(r, r) for r in roles]


@dataclass
class LaunchSpec:
    """Everything the platform puts into one launch (keyword options of launch())."""

    roles: list[str] = field(default_factory=lambda: [ROLES["learner"]])
    user_id: str = "u1"
    resource_link_id: str = "rl1"
    resource_link_title: str | None = None
    context_id: str = "course-v1:FUN+CAT+2026"
    context_title: str | None = "Catalyseurs territoriaux"
    context_label: str | None = "CAT"
    custom: dict[str, Any] | None = None
    name: str | None = None
    email: str | None = None
    target_link_uri: str | None = None
    locale: str | None = None
    document_target: str | None = "iframe"
    return_url: str | None = None
    message_type: str = "resource"
    ags: dict[str, Any] | None = None
    nrps_url: str | None = None
    accept_types: list[str] = field(default_factory=lambda: ["ltiResourceLink"])
    accept_multiple: bool = True
    accept_presentation_document_targets: list[str] | None = None
    dl_data: str | None = None
    dl_title: str = ""
    dl_text: str = ""
    extra_claims: dict[str, Any] | None = None
    expiration: int = 300


class DictRequest(Request):
    """lti1p3platform Request built from a plain dict of query parameters."""

    def build_metadata(self, request: dict[str, Any]) -> TRequest:
        """Expose the dict as GET data."""
        return {
            "method": "GET",
            "form_data": {},
            "get_data": dict(request),
            "headers": {},
            "content_type": None,
            "path": "/",
            "json": None,
        }


class FlaskRequest(Request):
    """lti1p3platform Request built from the current flask.request."""

    def build_metadata(self, request: Any) -> TRequest:
        """Copy method, args, form, headers and JSON body."""
        return {
            "method": request.method,
            "form_data": request.form.to_dict(),
            "get_data": request.args.to_dict(),
            "headers": dict(request.headers),
            "content_type": request.content_type,
            "path": request.path,
            "json": request.get_json(silent=True),
        }


LTI1P1_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/lti1p1"
SIGN = "oauth_consumer_key_sign"


def lti1p1_sign(payload: dict[str, Any], claim: dict[str, Any]) -> str:
    """base64(HMAC-SHA256(key&deployment_id&iss&client_id&exp&nonce, the 1.1 secret))."""
    aud = payload["aud"] if isinstance(payload["aud"], str) else payload.get("azp", "")
    base = "&".join(
        str(part)
        for part in (claim["oauth_consumer_key"], payload.get(CLAIM + "deployment_id", ""),
                     payload["iss"], aud, payload["exp"], payload["nonce"])
    )  # fmt: skip
    secret = claim[SIGN]["secret"].encode()
    return base64.b64encode(hmac.new(secret, base.encode(), hashlib.sha256).digest()).decode()


class PlatformRegistration(Registration):
    """Registration whose kid/JWKS come from the TestPlatform key ring (supports rotation)."""

    def __init__(self, platform: "TestPlatform") -> None:
        self._kid_value = platform.kid
        self._public_jwks = platform.jwks["keys"]

    def get_kid(self) -> str:
        """Return the kid of the current signing key."""
        return self._kid_value

    def get_jwks(self) -> list[dict[str, Any]]:
        """Return every published public key (current and rotated-out)."""
        return list(self._public_jwks)

    def platform_encode_and_sign(
        self, payload: dict[str, Any], expiration: int | None = None
    ) -> str:
        """Sign an id_token; an LTI 1.1 migration claim given with `"oauth_consumer_key_sign":
        {"secret": ...}` is signed once exp and nonce are known, as the migration guide says."""
        migration = payload.get(LTI1P1_CLAIM)
        if isinstance(migration, dict) and isinstance(migration.get(SIGN), dict):
            now = int(time.time())
            payload = {**payload, "iat": now, "exp": now + (expiration or 300)}
            payload[LTI1P1_CLAIM] = {**migration, SIGN: lti1p1_sign(payload, migration)}
            expiration = None
        return super().platform_encode_and_sign(payload, expiration=expiration)

    @staticmethod
    def encode_and_sign(
        payload: dict[str, Any],
        private_key: str,
        headers: Any = None,
        expiration: int | None = None,
    ) -> str:
        """Sign a JWT; access tokens get a jti, so two issued within one second differ."""
        if "scopes" in payload:  # only get_access_token signs a "scopes" claim
            payload = {**payload, "jti": secrets.token_hex(8)}
        return Registration.encode_and_sign(payload, private_key, headers, expiration)


class PlatformConf(LTI1P3PlatformConfAbstract):
    """Platform config bound to a TestPlatform; strict when validating tool-signed JWTs."""

    def init_platform_config(self, **kwargs: Any) -> None:
        """Store the platform and the audiences accepted in tool JWTs."""
        self.platform: TestPlatform = kwargs["platform"]
        self.audiences: list[str] = kwargs.get("audiences") or [self.platform.issuer]
        self.require_sub: bool = kwargs.get("require_sub", False)
        self.last_claims: dict[str, Any] = {}

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        """Build a fresh registration (fresh registration = tool JWKS fetched again)."""
        p = self.platform
        reg = PlatformRegistration(p)
        reg.set_iss(p.issuer).set_client_id(p.client_id).set_deployment_id(p.deployment_id)
        reg.set_launch_url(p.tool_launch_url).set_oidc_login_url(p.tool_login_url)
        reg.set_platform_private_key(p.private_key_pem).set_platform_public_key(p.public_key_pem)
        reg.set_tool_key_set_url(p.tool_jwks_url)
        return reg

    def fetch_public_key(self, key_set_url: str) -> Any:
        """Fetch the tool JWKS, counting fetches on the platform."""
        self.platform.tool_jwks_fetches += 1
        return super().fetch_public_key(key_set_url)

    def tool_validate_and_decode(self, jwt_token_string: str) -> dict[str, Any]:
        """Verify a tool JWT: RS256, known kid, iss=client_id, aud, exp and iat required."""
        self.validate_jwt_format(jwt_token_string)
        public_key = self.get_tool_public_key()
        client_id = self.platform.client_id
        claims = jwt.decode(
            jwt_token_string,
            public_key,
            algorithms=["RS256"],
            audience=self.audiences,
            issuer=client_id,
            leeway=5,
            options={"require": ["exp", "iat", "iss", "aud"]},
        )
        if self.require_sub and claims.get("sub") != client_id:
            raise LtiException("sub must equal the client_id")
        self.last_claims = claims
        return claims


class PlatformOIDCLogin(OIDCLoginAbstract):
    """OIDC third-party login initiation; get_redirect returns the URL itself."""

    def set_lti_message_hint(self, **kwargs: Any) -> None:
        """Set the opaque hint that identifies the pending launch."""
        self._lti_message_hint = kwargs["lti_message_hint"]

    def get_redirect(self, url: str) -> str:
        """Return the initiation URL (the harness follows it with requests)."""
        return url


class PlatformMessageLaunch(LTIAdvantageMessageLaunchAbstract):
    """Launch that validates the OIDC auth request fully and renders an auto-submit form."""

    allowed_redirect_uris: list[str] = []

    def validate_preflight_response(self, preflight_response: dict[str, Any]) -> None:
        """Check OIDC parameters (upstream only checks nonce/state/redirect_uri/client_id)."""
        pr = preflight_response
        expected = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
        }
        problems = [
            f"{k} must be {v!r}, got {pr.get(k)!r}" for k, v in expected.items() if pr.get(k) != v
        ]
        for name in ("nonce", "state", "redirect_uri", "client_id"):
            if not pr.get(name):
                problems.append(f"{name} is missing")
        if pr.get("client_id") and pr["client_id"] != self._platform_config.platform.client_id:
            problems.append(f"unknown client_id {pr['client_id']!r}")
        if pr.get("redirect_uri") and pr["redirect_uri"] not in self.allowed_redirect_uris:
            problems.append(f"redirect_uri {pr['redirect_uri']!r} is not registered")
        if problems:
            raise PreflightRequestValidationException("; ".join(problems))
        super().validate_preflight_response(preflight_response)

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> str:
        """Return the HTML form that POSTs id_token and state to the tool."""
        fields = {"id_token": launch_data["id_token"], "state": launch_data["state"]}
        return auto_submit_form(launch_data["launch_url"], fields)

    def configure(self, spec: LaunchSpec, platform: "TestPlatform") -> "PlatformMessageLaunch":
        """Apply a LaunchSpec through the lti1p3platform setters (plus what they lack)."""
        if spec.message_type not in MESSAGE_TYPES:
            raise ValueError(f"message_type must be one of {sorted(MESSAGE_TYPES)}")
        target = spec.target_link_uri or platform.tool_launch_url
        self.set_launch_url(target)
        self.set_id_token_expiration(spec.expiration)
        self.set_user_data(spec.user_id, spec.roles, spec.name, spec.email)
        self.set_launch_context_claim(
            spec.context_id, [COURSE_OFFERING], spec.context_title, spec.context_label
        )
        self.set_launch_presentation_claim(spec.document_target, spec.return_url)
        if spec.locale:  # upstream setter has no locale parameter
            self.lti_claim_launch_presentation[CLAIM + "launch_presentation"]["locale"] = (
                spec.locale
            )
        if spec.custom is not None:
            self.set_custom_parameters_claim(spec.custom)
        if spec.ags:
            self.set_ags(**spec.ags)
        if spec.nrps_url:
            self.set_nrps(spec.nrps_url)
        if spec.message_type == "deep_link":
            self.set_dl(
                platform.deep_link_return_url, spec.dl_title, spec.dl_text, set(spec.accept_types)
            )
            settings = self._deep_linking_launch_data[DL_SETTINGS]
            settings["accept_types"] = list(spec.accept_types)  # upstream builds it from a set
            settings["accept_multiple"] = spec.accept_multiple  # upstream hard-codes True
            if spec.accept_presentation_document_targets is not None:
                targets = list(spec.accept_presentation_document_targets)
                settings["accept_presentation_document_targets"] = targets
            if spec.dl_data is not None:
                settings["data"] = spec.dl_data
        else:
            self.set_resource_link_claim(spec.resource_link_id, title=spec.resource_link_title)
        if spec.extra_claims:
            self.set_extra_claims(spec.extra_claims)
        return self


def make_launch(
    platform: "TestPlatform", request: Request, spec: LaunchSpec
) -> PlatformMessageLaunch:
    """Build a configured launch object bound to a fresh platform config."""
    conf = PlatformConf(platform=platform)
    reg = conf.get_registration()
    if spec.message_type == "deep_link":  # upstream only sends DL when this URL is set
        reg.set_deeplink_launch_url(spec.target_link_uri or platform.tool_launch_url)
    launch = PlatformMessageLaunch(request, conf)
    launch.allowed_redirect_uris = list(platform.redirect_uris)
    return launch.configure(spec, platform)
