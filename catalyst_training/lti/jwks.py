"""Platform public keys: fetched once, cached with a TTL, re-fetched (rate-limited) on a new kid."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from flask import current_app
from jwcrypto.jwk import JWK

from ..core import outbound
from ..extensions import cache

log = logging.getLogger(__name__)

# Per-process decoded keys: converting a JWK to a key object costs more than the signature check.
_decoded: dict[str, Any] = {}
MAX_BYTES = 256 * 1024  # a key set is a few kilobytes


def _cache_key(url: str) -> str:
    return "jwks:" + hashlib.sha256(url.encode()).hexdigest()


def fetch_jwks(url: str) -> dict[str, Any] | None:
    """GET a platform's JWKS; None when unreachable or not a key set."""
    try:
        resp = outbound.request("GET", url, timeout=10, max_bytes=MAX_BYTES)
        if not resp.ok:
            raise ValueError(f"HTTP {resp.status_code}")
        data = resp.json()
    except (outbound.OutboundError, ValueError) as exc:
        log.warning("JWKS fetch failed for %s: %s", url, exc)
        return None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        log.warning("JWKS at %s is not a key set", url)
        return None
    return data


def _load(url: str, *, force: bool) -> dict[str, Any] | None:
    key = _cache_key(url)
    data = None if force else cache.get(key)
    if data is None:
        data = fetch_jwks(url)
        if data is not None:
            cache.set(key, data, timeout=current_app.config["JWKS_CACHE_SECONDS"])
    return data


def public_key_for(url: str | None, kid: str):
    """The RSA public key with this kid, refreshing the cached set once if the kid is new."""
    if not url:
        return None
    data = _load(url, force=False)
    found = _find(data, kid)
    if found is None:
        gate = _cache_key(url) + ":refetch"
        # add() is atomic: only one re-fetch per interval, whatever the number of workers.
        if cache.add(gate, "1", timeout=current_app.config["JWKS_REFETCH_INTERVAL"]):
            data = _load(url, force=True)
            found = _find(data, kid)
    return found


def _find(data: dict[str, Any] | None, kid: str):
    if not data:
        return None
    for jwk in data.get("keys", []):
        if jwk.get("kid") == kid and jwk.get("kty") == "RSA" and jwk.get("alg", "RS256") == "RS256":
            fingerprint = hashlib.sha256(json.dumps(jwk, sort_keys=True).encode()).hexdigest()
            if fingerprint not in _decoded:
                pem = JWK(**jwk).export_to_pem()
                from cryptography.hazmat.primitives.serialization import load_pem_public_key

                _decoded[fingerprint] = load_pem_public_key(pem)
            return _decoded[fingerprint]
    return None
