"""Key material and hand-made (attacker) JWT helpers for LTI rejection tests."""

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


def generate_rsa_key() -> rsa.RSAPrivateKey:
    """Return a fresh RSA 2048 private key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def new_kid(prefix: str = "key") -> str:
    """Return a random key id."""
    return f"{prefix}-{secrets.token_hex(6)}"


def private_pem(key: rsa.RSAPrivateKey) -> str:
    """Return the PKCS#8 PEM of a private key."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> str:
    """Return the SubjectPublicKeyInfo PEM of a key's public half."""
    pub = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return pub.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def public_jwk(key: rsa.RSAPrivateKey | rsa.RSAPublicKey, kid: str) -> dict[str, Any]:
    """Return the public JWK (with kid, alg=RS256, use=sig) of a key."""
    pub = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    jwk = RSAAlgorithm.to_jwk(pub, as_dict=True)
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return jwk


def b64url(data: bytes | str | dict[str, Any]) -> str:
    """Base64url-encode bytes, text or a JSON object, without padding."""
    if isinstance(data, dict):
        data = json.dumps(data, separators=(",", ":"))
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(part: str) -> bytes:
    """Decode one base64url JWT segment (padding optional)."""
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def sign(
    claims: dict[str, Any],
    key: rsa.RSAPrivateKey | str | bytes,
    headers: dict[str, Any] | None = None,
    alg: str = "RS256",
) -> str:
    """Sign claims with PyJWT; header entries whose value is None are dropped."""
    hdrs = {k: v for k, v in (headers or {}).items() if v is not None}
    return jwt.encode(claims, key, algorithm=alg, headers=hdrs or None)


def sign_none(claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
    """Return an unsigned token with header alg=none (empty signature segment)."""
    header = {"alg": "none", "typ": "JWT", **(headers or {})}
    return f"{b64url(header)}.{b64url(claims)}."


def sign_hs256(
    claims: dict[str, Any], secret: str | bytes, headers: dict[str, Any] | None = None
) -> str:
    """Return an HS256 token signed with an arbitrary secret (e.g. the RSA public key PEM)."""
    header = {"alg": "HS256", "typ": "JWT", **(headers or {})}
    signing_input = f"{b64url(header)}.{b64url(claims)}"
    secret = secret.encode() if isinstance(secret, str) else secret
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(mac)}"


def tamper(
    token: str, claims: dict[str, Any] | None = None, header: dict[str, Any] | None = None
) -> str:
    """Swap a token's payload and/or header but keep the original signature."""
    head, body, signature = token.split(".")
    new_head = b64url(header) if header is not None else head
    new_body = b64url(claims) if claims is not None else body
    return f"{new_head}.{new_body}.{signature}"


def unverified_claims(token: str) -> dict[str, Any]:
    """Decode a JWT payload without any verification."""
    return json.loads(b64url_decode(token.split(".")[1]))
