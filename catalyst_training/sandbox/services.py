"""The sandbox LTI 1.3 platform of the demo: its registration, users and signing key.

Registered only when ``DEMO`` is on (see ``sandbox.init_app``). The course page is served on
one loopback origin and frames the tool on the other one (127.0.0.1 <-> localhost), so platform
and tool are cross-site exactly as with a real MOOC.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app
from jwcrypto.jwk import JWK

from ..core.security import invalidate_origins
from ..extensions import db
from ..lti import keys
from ..lti.models import Deployment
from ..lti.registry import add_platform, find_platform

ISSUER = "https://sandbox.catalyst-training.invalid"
CLIENT_ID = "catalyst-sandbox"
DEPLOYMENT_ID = "sandbox-deployment"
PLATFORM_NAME = "Plateforme de démonstration (sandbox)"
KEY_FILE = "sandbox_platform_key.pem"
CONTEXT_ID = "sandbox-course"
CONTEXT_TITLE = "Parcours catalyseurs (démo)"
DEEP_LINK_DATA = "sandbox-data"
TOKEN_LIFETIME = 300
HINT_MAX_AGE = 3600
HINT_SALT = "catalyst-sandbox-lti-message-hint"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
]
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}

# One sandbox user per role: sub (the login_hint), display names and LTI roles.
USERS: dict[str, dict[str, Any]] = {
    "learner": {
        "sub": "sandbox-learner",
        "given_name": "Camille",
        "family_name": "Apprenante",
        "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
    },
    "mentor": {
        "sub": "sandbox-mentor",
        "given_name": "Dominique",
        "family_name": "Mentor",
        "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
    },
    "coordinator": {
        "sub": "sandbox-coordinator",
        "given_name": "Claude",
        "family_name": "Coordinatrice",
        "roles": ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"],
    },
}

_key_lock = threading.Lock()
_loaded_keys: dict[str, tuple[rsa.RSAPrivateKey, str]] = {}


# --- registration -------------------------------------------------------------------------


def register_sandbox(base_url: str) -> None:
    """Register (or re-point) the sandbox platform at base_url and commit; idempotent."""
    base = base_url.rstrip("/")
    urls = {
        "key_set_url": f"{base}/sandbox/jwks.json",
        "auth_login_url": f"{base}/sandbox/auth",
        "auth_token_url": f"{base}/sandbox/token",
    }
    platform = find_platform(ISSUER, CLIENT_ID)
    if platform is None:
        add_platform(
            issuer=ISSUER,
            client_id=CLIENT_ID,
            deployment_ids=[DEPLOYMENT_ID],
            name=PLATFORM_NAME,
            **urls,
        )
    else:
        for attr, value in urls.items():
            if getattr(platform, attr) != value:
                setattr(platform, attr, value)
        platform.active = True
        deployment = next(
            (d for d in platform.deployments if d.deployment_id == DEPLOYMENT_ID), None
        )
        if deployment is None:
            platform.deployments.append(Deployment(deployment_id=DEPLOYMENT_ID, active=True))
        else:
            deployment.active = True
    keys.ensure_key()
    db.session.commit()
    invalidate_origins()
    platform_key()
    _allow_loopback_framing(base)


def _allow_loopback_framing(base: str) -> None:
    """Let both loopback origins of the demo port frame the tool (the course page uses either)."""
    parts = urlsplit(base)
    port = f":{parts.port}" if parts.port else ""
    wanted = [f"{parts.scheme}://127.0.0.1{port}", f"{parts.scheme}://localhost{port}"]
    previous = current_app.extensions.get("catalyst_sandbox_ancestors", [])
    configured = current_app.config.get("EXTRA_FRAME_ANCESTORS") or []
    current = [o for o in configured if o not in previous]
    current_app.config["EXTRA_FRAME_ANCESTORS"] = current + [o for o in wanted if o not in current]
    current_app.extensions["catalyst_sandbox_ancestors"] = wanted


# --- the platform's own key -----------------------------------------------------------------


def platform_key() -> tuple[rsa.RSAPrivateKey, str]:
    """The sandbox RSA key (created once, mode 0600, in the instance folder) and its kid."""
    path = Path(current_app.instance_path) / KEY_FILE
    with _key_lock:
        if str(path) in _loaded_keys:
            return _loaded_keys[str(path)]
        if not path.exists():
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process wrote it first: read theirs below
            else:
                with os.fdopen(fd, "wb") as out:
                    out.write(pem)
        pem = path.read_bytes()
        loaded = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise RuntimeError(f"{path} does not hold an RSA private key")
        kid = JWK.from_pem(pem).thumbprint()
        _loaded_keys[str(path)] = (loaded, kid)
        return loaded, kid


def platform_jwks() -> dict[str, list[dict[str, Any]]]:
    """The sandbox platform's public key set."""
    private, kid = platform_key()
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    jwk = JWK.from_pem(public).export_public(as_dict=True)
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return {"keys": [jwk]}


# --- helpers --------------------------------------------------------------------------------
