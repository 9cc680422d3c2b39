"""LTI 1.3 OIDC login and launch validation: pylti1p3 plus every check it lacks."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

import jwt
from flask import current_app, request
from pylti1p3.contrib.flask import FlaskCacheDataStorage, FlaskMessageLaunch, FlaskOIDCLogin
from pylti1p3.contrib.flask import FlaskRequest as _FlaskRequest
from pylti1p3.contrib.flask.cookie import FlaskCookieService
from pylti1p3.exception import LtiException
from pylti1p3.oidc_login import OIDCException

from ..core.cookies import cookie_attributes
from ..extensions import cache
from . import jwks, nonces

log = logging.getLogger(__name__)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
# PyJWT's refusals and the reason a launch reports for each (first match; else bad_signature).
_JWT_REASONS = (
    (jwt.MissingRequiredClaimError, "missing_claim"),
    (jwt.ExpiredSignatureError, "expired"),
    (jwt.ImmatureSignatureError, "issued_in_future"),
    (jwt.InvalidAudienceError, "bad_audience"),
    (jwt.InvalidIssuerError, "bad_issuer"),
)


class LaunchError(Exception):
    """A rejected login or launch: HTTP status, machine reason and a message for people."""

    def __init__(
        self, status: int, reason: str, detail: str = "", claims: dict[str, Any] | None = None
    ):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.status = status
        self.reason = reason
        self.detail = detail
        # The unverified claims, when the refusal is about who sent them (shown on the page).
        self.claims = claims


class CookieService(FlaskCookieService):
    """State cookies that survive the cross-site POST of a launch inside an iframe."""

    def update_response(self, response):
        """Write the pending cookies with SameSite=None/Secure/Partitioned where possible."""
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(
                key=key,
                value=data["value"],
                max_age=data["exp"],
                path="/",
                httponly=True,
                **cookie_attributes(),
            )


class FlaskRequest(_FlaskRequest):
    """pylti1p3 request whose 'secure' follows the app's cookie policy."""

    def is_secure(self) -> bool:
        """True when cookies are set Secure (HTTPS, or loopback in demo)."""
        return bool(cookie_attributes().get("secure"))


def data_storage() -> FlaskCacheDataStorage:
    """pylti1p3 storage for nonces, state and launch data in the shared cache."""
    return FlaskCacheDataStorage(cache)


class OIDCLogin(FlaskOIDCLogin):
    """OIDC third-party initiated login with clear errors."""

    def begin(self, launch_url: str):
        """Answer the platform's login initiation with the redirect to its auth endpoint."""
        try:
            return self.redirect(launch_url)
        except (OIDCException, LtiException) as exc:
            raise LaunchError(400, "login_invalid", str(exc)) from exc


class MessageLaunch(FlaskMessageLaunch):
    """A launch validated strictly: signature, claims, deployment, state and single-use nonce."""

    def validate(self):
        """Run every check, in an order where nothing is consumed before the token is trusted."""
        if self._restored:
            raise LaunchError(400, "restored", "a restored launch cannot be validated")
        self._validated = True
        try:
            self._check_request()
            self._run(self.validate_jwt_format, 400, "malformed_token")
            self._check_header()
            self._check_registration()
            self._verify_signature()
            self._check_claims()
            self._run(self.validate_deployment, 403, "unknown_deployment", self._jwt.get("body"))
            self._check_state()
            self._check_nonce()
            self._check_message()
            self.save_launch_data()
        except Exception:
            self._validated = False
            raise
        return self

    @staticmethod
    def _run(step, status: int, reason: str, claims: dict[str, Any] | None = None) -> None:
        try:
            step()
        except LtiException as exc:
            raise LaunchError(status, reason, str(exc), claims) from exc

    def _check_request(self) -> None:
        if not self._get_request_param("id_token"):
            raise LaunchError(400, "missing_id_token", "the POST carries no id_token")
        if not self._get_request_param("state"):
            raise LaunchError(400, "missing_state", "the POST carries no state")

    def _check_header(self) -> None:
        header = self._jwt.get("header") or {}
        if header.get("alg") != "RS256":
            raise LaunchError(401, "bad_algorithm", f"alg {header.get('alg')!r} is not RS256")
        if not header.get("kid"):
            raise LaunchError(401, "missing_kid", "the id_token header has no kid")

    def _check_registration(self) -> None:
        body = self._jwt.get("body") or {}
        if not isinstance(body.get("iss"), str) or not body["iss"]:
            raise LaunchError(400, "missing_issuer", "the id_token has no iss")
        try:
            self.validate_registration()
        except LtiException as exc:
            raise LaunchError(400, "unknown_platform", str(exc), body) from exc

    def get_client_id(self) -> str:
        """Our client id among the audiences: azp when present, else the registered one."""
        body = self._jwt.get("body") or {}
        aud = body.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        azp = body.get("azp")
        if azp:
            return azp
        if len(audiences) == 1:
            return audiences[0]
        # Several audiences without azp is rejected later; pick one that is registered.
        from .registry import find_platform

        for candidate in audiences:
            if isinstance(candidate, str) and find_platform(body.get("iss", ""), candidate):
                return candidate
        return audiences[0] if audiences else ""

    def _registered(self):
        """The platform registration found by _check_registration (refused when missing)."""
        if self._registration is None:
            body = self._jwt.get("body") or {}
            raise LaunchError(400, "unknown_platform", "no registration for this launch", body)
        return self._registration

    def _verify_signature(self) -> None:
        registration = self._registered()
        header = self._jwt["header"]
        key = jwks.public_key_for(registration.get_key_set_url(), header["kid"])
        if key is None:
            raise LaunchError(401, "unknown_key", f"no platform key with kid {header['kid']!r}")
        skew = current_app.config["CLOCK_SKEW_SECONDS"]
        try:
            jwt.decode(
                self._get_id_token(),
                key,
                algorithms=["RS256"],
                audience=registration.get_client_id(),
                issuer=registration.get_issuer(),
                leeway=skew,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
            )
        except jwt.InvalidTokenError as exc:
            found = (reason for kind, reason in _JWT_REASONS if isinstance(exc, kind))
            reason = next(found, "bad_signature")
            # Who the token says it is for (or from) against what is registered: name both.
            claims = self._jwt.get("body") if reason in ("bad_audience", "bad_issuer") else None
            raise LaunchError(401, reason, str(exc), claims) from exc
        iat = self._jwt["body"]["iat"]
        if not isinstance(iat, int | float) or iat > time.time() + skew:
            raise LaunchError(401, "issued_in_future", "iat is in the future")

    def _check_claims(self) -> None:
        body = self._jwt["body"]
        client_id = self._registered().get_client_id()
        aud = body.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        azp = body.get("azp")
        if azp is not None and azp != client_id:
            raise LaunchError(401, "bad_azp", f"azp {azp!r} is not our client id", body)
        if len(audiences) > 1 and azp is None:
            raise LaunchError(401, "missing_azp", "several audiences and no azp", body)
        if body.get(CLAIM + "version") != "1.3.0":
            raise LaunchError(400, "bad_version", "LTI version claim is not 1.3.0")
        target = body.get(CLAIM + "target_link_uri")
        if not target or not is_our_url(target):
            raise LaunchError(401, "bad_target_link_uri", f"{target!r} is not this tool")
        if not body.get(CLAIM + "deployment_id"):
            raise LaunchError(400, "missing_deployment", "no deployment_id claim")

    # Set for a launch whose state and nonce come back from LTI platform storage (postMessage).
    platform_storage = False

    def _check_state(self) -> None:
        state = self._get_request_param("state")
        if self.platform_storage:
            from .storage import check_stored_state

            check_stored_state(
                state,
                (self._jwt.get("body") or {}).get("nonce"),
                self._get_request_param("lti_storage_state"),
                self._get_request_param("lti_storage_nonce"),
            )
            return
        if self._cookie_service.get_cookie(state) != state:
            raise LaunchError(
                401, "state_mismatch", "the state does not belong to this browser session"
            )

    def _check_nonce(self) -> None:
        body = self._jwt["body"]
        nonce = body.get("nonce")
        if not nonce or not self._session_service.check_nonce(nonce):
            raise LaunchError(401, "unknown_nonce", "the nonce was not issued by this tool")
        expires = datetime.fromtimestamp(
            body["exp"] + current_app.config["CLOCK_SKEW_SECONDS"], UTC
        )
        if not nonces.consume_nonce(body["iss"], nonce, expires):
            raise LaunchError(401, "replayed", "this launch was already used")

    def _check_message(self) -> None:
        try:
            self.validate_message()
        except LtiException as exc:
            # pylti1p3 refuses deep-linking requests whose accept_types lacks ltiResourceLink.
            reason = "deep_link_types" if "placement types" in str(exc) else "invalid_message"
            raise LaunchError(400, reason, str(exc)) from exc

    def claims(self) -> dict[str, Any]:
        """The validated id_token body."""
        return self._get_jwt_body()


def is_our_url(url: str) -> bool:
    """True when url points at this tool (same host as the request or the base URL)."""
    from urllib.parse import urlsplit

    target = urlsplit(url)
    base = current_app.config.get("BASE_URL")
    hosts = {request.host}
    if base:
        hosts.add(urlsplit(base).netloc)
    return target.scheme in ("http", "https") and target.netloc in hosts
