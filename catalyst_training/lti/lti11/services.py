"""LTI 1.1 launches: consumers registry, OAuth 1.0a verification, identity from 1.1 parameters."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import current_app
from oauthlib.oauth1 import RequestValidator, SignatureOnlyEndpoint
from sqlalchemy import select

from ...auth.services import Acting
from ...extensions import db
from ..launch import CLAIM, LaunchError
from ..models import Platform
from ..nonces import consume_nonce
from ..registry import RegistryError, check_url
from ..services import record_launch, upsert
from .models import Lti11Consumer, Lti11Outcome, SecretError, consumer_secret, encrypt_secret

log = logging.getLogger(__name__)

MESSAGE_TYPE = "basic-lti-launch-request"
VERSIONS = ("LTI-1p0",)
REQUIRED = ("resource_link_id", "user_id")
WINDOW = 300  # seconds of clock difference accepted on oauth_timestamp
METHODS = ("HMAC-SHA1",)


def find_consumer(consumer_key: str) -> Platform | None:
    """The LTI 1.1 platform registered with this consumer key."""
    return db.session.scalars(
        select(Platform).where(Platform.lti_version == "1.1", Platform.client_id == consumer_key)
    ).first()


def _origin(value: str) -> str:
    check_url(value, "--origin")
    parts = urlsplit(value)
    return f"{parts.scheme}://{parts.netloc}"


SCORE_MODES = ("provisional", "final")


def set_score_mode(consumer_key: str, mode: str) -> Platform:
    """Send every score (provisional) or only final ones (FullyGraded) to a consumer (flush)."""
    if mode not in SCORE_MODES:
        raise RegistryError(f"the score mode is one of {', '.join(SCORE_MODES)}")
    platform = find_consumer(consumer_key)
    if platform is None:
        raise RegistryError(f"no LTI 1.1 consumer with the key {consumer_key!r}")
    platform.extra = {**(platform.extra or {}), "lti11_scores": mode}
    db.session.flush()
    return platform


def set_consumer_origin(consumer_key: str, origin: str) -> Platform:
    """Set or change the origin of a registered LTI 1.1 consumer (flush only)."""
    platform = find_consumer(consumer_key)
    if platform is None:
        raise RegistryError(f"no LTI 1.1 consumer with the key {consumer_key!r}")
    platform.issuer = _origin(origin)
    db.session.flush()
    return platform


def add_consumer(
    *, name: str, consumer_key: str, secret: str, origin: str | None = None, active: bool = True
) -> Platform:
    """Register an LTI 1.1 consumer; its secret is stored encrypted (flush only)."""
    if not name or not consumer_key:
        raise RegistryError("--name and --consumer-key are required")
    if not secret:
        raise RegistryError("the shared secret is empty")
    if find_consumer(consumer_key) is not None:
        raise RegistryError(f"an LTI 1.1 consumer already uses the key {consumer_key!r}")
    if origin:
        origin = _origin(origin)
    platform = Platform(
        name=name,
        lti_version="1.1",
        issuer=origin or f"lti11:{consumer_key}",
        client_id=consumer_key,
        active=active,
    )
    db.session.add(platform)
    db.session.flush()
    db.session.add(Lti11Consumer(platform_id=platform.id, secret_encrypted=encrypt_secret(secret)))
    db.session.flush()
    return platform


def set_consumer_secret(consumer_key: str, secret: str) -> Platform:
    """Replace the shared secret of a registered LTI 1.1 consumer (flush only)."""
    if not secret:
        raise RegistryError("the shared secret is empty")
    platform = find_consumer(consumer_key)
    if platform is None:
        raise RegistryError(f"no LTI 1.1 consumer with the key {consumer_key!r}")
    row = db.session.get(Lti11Consumer, platform.id)
    if row is None:
        row = Lti11Consumer(platform_id=platform.id, secret_encrypted="")
        db.session.add(row)
    row.secret_encrypted = encrypt_secret(secret)
    db.session.flush()
    return platform


class _Validator(RequestValidator):
    """oauthlib's view of one consumer: its key and secret; nonces are checked afterwards."""

    def __init__(self, consumer_key: str, secret: str) -> None:
        super().__init__()
        self._key, self._secret = consumer_key, secret

    enforce_ssl = False  # behind a TLS-terminating proxy the app may see http
    timestamp_lifetime = WINDOW
    allowed_signature_methods = METHODS
    dummy_client = "dummy-consumer"

    def check_client_key(self, client_key: str) -> bool:
        """Consumer keys are chosen by platform admins: any non-empty value."""
        return bool(client_key) and len(client_key) <= 255

    def check_nonce(self, nonce: str) -> bool:
        """Any reasonable nonce (platforms differ in length and alphabet)."""
        return bool(nonce) and len(nonce) <= 255

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        """Only the consumer found by the launch's key."""
        return client_key == self._key

    def get_client_secret(self, client_key: str, request: Any) -> str:
        """The shared secret (a dummy one for an unknown key, for constant time)."""
        return self._secret if client_key == self._key else "dummy-secret"

    def validate_timestamp_and_nonce(self, *args: Any, **kwargs: Any) -> bool:
        """Consumed after the signature is checked (see verify_launch)."""
        return True


def signed_urls(request_url: str, path_qs: str) -> list[str]:
    """URLs the consumer may have signed: CATALYST_BASE_URL + path first, then the request's."""
    base = current_app.config.get("BASE_URL")
    urls = [f"{base.rstrip('/')}{path_qs}"] if base else []
    return list(dict.fromkeys([*urls, request_url]))


def form_params(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The launch parameters (first value of each name) from the form's pairs."""
    params: dict[str, str] = {}
    for name, value in pairs:
        params.setdefault(name, value)
    return params


def verify_launch(pairs: list[tuple[str, str]], urls: list[str], method: str = "POST") -> Platform:
    """Check an LTI 1.1 launch POST; the consumer's platform, or LaunchError with a reason."""
    params = form_params(pairs)
    if params.get("lti_message_type") != MESSAGE_TYPE:
        kind = params.get("lti_message_type")
        raise LaunchError(400, "login_invalid", f"lti_message_type {kind!r} is not a launch")
    if params.get("lti_version") not in VERSIONS:
        raise LaunchError(400, "bad_version", f"lti_version {params.get('lti_version')!r}")
    key = params.get("oauth_consumer_key") or ""
    if not key or not params.get("oauth_signature"):
        raise LaunchError(401, "bad_signature", "the launch is not signed (OAuth 1.0a)")
    platform = find_consumer(key)
    if platform is None or not platform.active:
        raise LaunchError(401, "unknown_platform", f"unknown or inactive consumer key {key!r}")
    try:
        stamp = int(params.get("oauth_timestamp") or "")
    except ValueError:
        raise LaunchError(401, "bad_signature", "oauth_timestamp is not an integer") from None
    window = int(current_app.config["LTI11_TIMESTAMP_WINDOW"])
    if abs(time.time() - stamp) > window:
        raise LaunchError(401, "expired", f"oauth_timestamp {stamp} is outside ±{window} s")
    try:
        secret = consumer_secret(platform.id)
    except SecretError as exc:
        log.error("LTI 1.1 consumer %s: %s", platform.id, exc)
        secret = None
    if not secret:
        raise LaunchError(401, "unknown_platform", f"consumer {key!r} has no usable secret")
    validator = _Validator(key, secret)
    validator.timestamp_lifetime = window
    endpoint = SignatureOnlyEndpoint(validator)
    body = urlencode(pairs)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if not any(endpoint.validate_request(url, method, body, headers)[0] for url in urls):
        raise LaunchError(401, "bad_signature", f"OAuth signature mismatch for {urls}")
    nonce = params.get("oauth_nonce") or ""
    if not consume_nonce(f"lti11:{key}", nonce, datetime.fromtimestamp(stamp + window, UTC)):
        raise LaunchError(401, "replayed", f"oauth_nonce {nonce!r} was already used")
    missing = [name for name in REQUIRED if not params.get(name)]
    if missing:
        raise LaunchError(400, "login_invalid", f"missing parameter(s): {', '.join(missing)}")
    return platform


def claims_from(params: Mapping[str, str]) -> dict[str, Any]:
    """The LTI 1.3-shaped claims equivalent to a 1.1 launch's parameters."""
    roles = [r.strip() for r in (params.get("roles") or "").split(",") if r.strip()]
    custom = {k[len("custom_") :]: v for k, v in params.items() if k.startswith("custom_")}
    claims: dict[str, Any] = {
        "sub": params["user_id"],
        "name": params.get("lis_person_name_full") or None,
        "given_name": params.get("lis_person_name_given") or None,
        "family_name": params.get("lis_person_name_family") or None,
        "email": params.get("lis_person_contact_email_primary") or None,
        CLAIM + "roles": roles,
        CLAIM + "custom": custom,
        CLAIM + "launch_presentation": {"locale": params.get("launch_presentation_locale")},
        CLAIM + "resource_link": {
            "id": params["resource_link_id"],
            "title": params.get("resource_link_title") or None,
        },
    }
    if params.get("context_id"):
        claims[CLAIM + "context"] = {
            "id": params["context_id"],
            "title": params.get("context_title") or None,
            "label": params.get("context_label") or None,
        }
    return claims


def record_launch11(platform: Platform, params: Mapping[str, str]) -> Acting:
    """Upsert user, context, link and membership like a 1.3 launch; keep the outcome service."""
    acting = record_launch(platform, claims_from(params), f"lti11-{uuid.uuid4().hex}")
    url = (params.get("lis_outcome_service_url") or "").strip()
    sourcedid = (params.get("lis_result_sourcedid") or "").strip()
    if url and sourcedid and acting.resource_link_pk is not None:
        try:
            check_url(url, "lis_outcome_service_url")
        except RegistryError:
            log.warning("LTI 1.1 launch with an invalid outcome service URL %r: ignored", url)
            return acting
        upsert(
            Lti11Outcome,
            {"user_id": acting.user_id, "resource_link_id": acting.resource_link_pk},
            {"service_url": url[:2048], "sourcedid": sourcedid},
        )
        db.session.flush()
    return acting
