"""The one client-credentials grant (JWT assertion signed by the tool's key), with shared tokens.

AGS passback, NRPS roster sync and the course-groups service all ask for their bearer token here:
one token per (platform, client id, scope set), kept in the shared cache until shortly before it
expires, with a process-local copy to spare the cache a round trip.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from dataclasses import dataclass

import jwt

from ..core import outbound
from ..extensions import cache
from . import keys

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
REFUSED = {400, 401, 403}

_tokens: dict[str, tuple[str, float]] = {}  # process-local copy of the shared cache
_lock = threading.Lock()


class TokenError(Exception):
    """The token endpoint could not be reached or refused: `permanent` when retrying is vain."""

    def __init__(self, message: str, *, permanent: bool = False, response=None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.response: outbound.Answer | None = response


@dataclass(frozen=True)
class Client:
    """Who asks for a token, and where."""

    platform_id: int
    client_id: str
    token_url: str | None
    audience: str | None = None


def _key(client: Client, scopes: tuple[str, ...]) -> str:
    raw = "|".join((str(client.platform_id), client.client_id, " ".join(scopes)))
    return "ags-token:" + hashlib.sha256(raw.encode()).hexdigest()


def access_token(
    client: Client, scopes: tuple[str, ...], *, timeout: float, failed: str | None = None
) -> str:
    """A bearer token for `scopes`, from the cache unless absent, expired or `failed` (a 401)."""
    scopes = tuple(sorted(set(scopes)))
    key = _key(client, scopes)
    with _lock:
        local = _tokens.get(key)
        if local and local[1] > time.time() and local[0] != failed:
            return local[0]
        shared = cache.get(key)
        if shared and shared[1] > time.time() and shared[0] != failed:
            _tokens[key] = shared
            return shared[0]
        token, lifetime = _request_token(client, scopes, timeout)
        margin = min(60.0, lifetime / 10)
        entry = (token, time.time() + lifetime - margin)
        cache.set(key, entry, timeout=max(1, int(lifetime - margin)))
        _tokens[key] = entry
        return token


def _request_token(client: Client, scopes: tuple[str, ...], timeout: float) -> tuple[str, float]:
    if not client.token_url:
        raise TokenError("the platform has no token URL (auth_token_url)", permanent=True)
    key = keys.signing_key()
    if key is None:
        raise TokenError("the tool has no signing key: run `catalyst-training keys rotate`")
    now = int(time.time())
    assertion = jwt.encode(
        {"iss": client.client_id, "sub": client.client_id,
         "aud": client.audience or client.token_url,
         "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())},
        key.private_pem, algorithm="RS256", headers={"kid": key.kid},
    )  # fmt: skip
    form = {"grant_type": "client_credentials", "client_assertion_type": JWT_BEARER,
            "client_assertion": assertion, "scope": " ".join(scopes)}  # fmt: skip
    try:
        resp = outbound.request("POST", client.token_url, data=form, timeout=(5.0, timeout))
    except outbound.OutboundError as exc:
        raise TokenError(f"token endpoint unreachable: {exc}") from exc
    if resp.status_code != 200:
        raise TokenError(
            f"token endpoint refused the request: HTTP {resp.status_code}",
            permanent=resp.status_code in REFUSED,
            response=resp,
        )
    try:
        data = resp.json()
        return str(data["access_token"]), float(data.get("expires_in") or 3600)
    except (ValueError, KeyError, TypeError) as exc:
        raise TokenError(f"token endpoint answered no access_token: {exc}") from exc
