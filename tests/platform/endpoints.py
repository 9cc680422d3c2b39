"""Server side of the TestPlatform: Flask views for /jwks, /auth, /token, /deep_link_return."""

import threading
import time
from typing import Any

import flask
import jwt
import markupsafe
from lti1p3platform.exceptions import (
    LtiDeepLinkingResponseException,
    LtiException,
    MissingRequiredClaim,
    PreflightRequestValidationException,
    UnsupportedGrantType,
)

from .lti import CLAIM, DL_DATA, FlaskRequest, LaunchSpec, PlatformConf, make_launch

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class PlatformEndpoints:
    """Mixin holding the platform's HTTP endpoints (add AGS/NRPS views in build_app)."""

    issuer: str
    client_id: str
    deployment_id: str
    auth_token_url: str
    jwks_fetches: int
    deep_link_items: list[dict[str, Any]]
    deep_link_responses: list[dict[str, Any]]
    token_requests: list[dict[str, Any]]
    errors: list[tuple[str, str]]
    _pending: dict[str, LaunchSpec]
    _last_deep_link: LaunchSpec | None
    _seen_jti: set[str]
    _lock: threading.Lock

    def build_app(self) -> flask.Flask:
        """Create the Flask app; subclasses may add routes (AGS, NRPS) here."""
        app = flask.Flask(__name__)
        app.add_url_rule("/jwks", "jwks", self._jwks_view)
        app.add_url_rule("/auth", "auth", self._auth_view, methods=["GET", "POST"])
        app.add_url_rule("/token", "token", self._token_view, methods=["POST"])
        app.add_url_rule("/deep_link_return", "dl", self._deep_link_view, methods=["POST"])
        from .nrps import add_nrps_routes

        add_nrps_routes(app, self)
        from .ags import add_ags_routes

        add_ags_routes(self, app)
        from .groups import add_groups_routes

        add_groups_routes(app, self)
        app.add_url_rule("/course", "course", self._course_view)
        return app

    def _course_view(self) -> flask.Response:
        """A MOOC-like course page framing the tool (its OIDC initiation URL) from this origin."""
        src = flask.request.args.get("src", "")
        if not src.startswith(("http://localhost:", "http://127.0.0.1:")):
            return self._reject("course", "src must be a loopback tool URL")
        html = (
            '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Cours</title>'
            '</head><body><h1>Cours de test</h1><iframe name="tool" title="Outil de formation" '
            f'src="{markupsafe.escape(src)}" width="1240" height="1000"></iframe></body></html>'
        )
        return flask.Response(html, mimetype="text/html")

    def _reject(self, where: str, message: str, status: int = 400) -> flask.Response:
        with self._lock:
            self.errors.append((where, message))
        return flask.Response(f"{where}: {message}", status=status, mimetype="text/plain")

    def _jwks_view(self) -> flask.Response:
        with self._lock:
            self.jwks_fetches += 1
        conf = PlatformConf(platform=self)
        conf.get_registration()
        return flask.jsonify(conf.get_jwks())

    def _auth_view(self) -> flask.Response | str:
        params = flask.request.values.to_dict()
        with self._lock:
            spec = self._pending.get(params.get("lti_message_hint", ""))
        if spec is None:
            hint = params.get("lti_message_hint")
            return self._reject("auth", f"unknown lti_message_hint {hint!r}")
        if params.get("login_hint") != spec.user_id:
            return self._reject("auth", f"login_hint {params.get('login_hint')!r} != user_id")
        if spec.message_type == "deep_link":
            self._last_deep_link = spec
        launch = make_launch(self, FlaskRequest(flask.request), spec)
        try:
            return launch.lti_launch()
        except PreflightRequestValidationException as exc:
            return self._reject("auth", str(exc) or "invalid OIDC authorization request")

    def _token_view(self) -> flask.Response:
        data = flask.request.form.to_dict()
        conf = PlatformConf(
            platform=self, audiences=[self.auth_token_url, self.issuer], require_sub=True
        )
        conf.get_registration()
        try:
            if data.get("client_assertion_type", JWT_BEARER) != JWT_BEARER:
                raise LtiException("unsupported client_assertion_type")
            token = conf.get_access_token(data)
            jti = conf.last_claims.get("jti")
            with self._lock:
                if jti and jti in self._seen_jti:
                    raise LtiException("client assertion jti replayed")
                self._seen_jti.add(jti or "")
                self.token_requests.append(
                    {"form": data, "assertion": conf.last_claims, "response": token}
                )
        except UnsupportedGrantType:
            self._reject("token", "unsupported_grant_type")
            return flask.make_response({"error": "unsupported_grant_type"}, 400)
        except (MissingRequiredClaim, LtiException, jwt.PyJWTError) as exc:
            self._reject("token", f"{type(exc).__name__}: {exc}")
            return flask.make_response({"error": "invalid_client", "detail": str(exc)}, 400)
        return flask.jsonify(token)

    def _deep_link_view(self) -> flask.Response | str:
        data = flask.request.form.to_dict()
        if "JWT" not in data:
            return self._reject("deep_link_return", "missing JWT field")
        spec = self._last_deep_link
        conf = PlatformConf(platform=self)
        conf.get_registration()
        if spec is not None:
            conf.set_accepted_deeplinking_types(spec.accept_types)
        try:
            items = conf.validate_deeplinking_resp(data)
            claims = conf.last_claims
            if claims.get(CLAIM + "deployment_id") != self.deployment_id:
                raise LtiException("deployment_id does not match")
            if not claims.get("nonce"):
                raise LtiException("nonce is missing")
            expected_data = spec.dl_data if spec is not None else None
            if expected_data is not None and claims.get(DL_DATA) != expected_data:
                raise LtiException("data was not echoed back")
            if spec is not None and not spec.accept_multiple and len(items) > 1:
                raise LtiException("several items returned but accept_multiple is false")
        except (LtiException, LtiDeepLinkingResponseException, jwt.PyJWTError, KeyError) as exc:
            return self._reject("deep_link_return", f"{type(exc).__name__}: {exc}")
        with self._lock:
            self.deep_link_items.extend(items)
            self.deep_link_responses.append(claims)
        return f"<!doctype html><p>Received {len(items)} item(s) at {time.time():.0f}.</p>"
