"""The sandbox LTI 1.3 platform of the demo: registration, keys, login hints and id_tokens.

Registered only when ``DEMO`` is on (see ``_register_blueprints``). The course page is served on
one loopback origin and frames the tool on the other one (127.0.0.1 <-> localhost), so platform
and tool are cross-site exactly as with a real MOOC.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app, request
from itsdangerous import URLSafeTimedSerializer
from jwcrypto.jwk import JWK

from ..core.security import invalidate_origins
from ..core.templating import current_lang
from ..extensions import db
from . import keys
from .launch import CLAIM, DL_CLAIM
from .models import Deployment
from .registry import add_platform, find_platform

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
    _platform_key()
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


def _platform_key() -> tuple[rsa.RSAPrivateKey, str]:
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
        assert isinstance(loaded, rsa.RSAPrivateKey)
        kid = JWK.from_pem(pem).thumbprint()
        _loaded_keys[str(path)] = (loaded, kid)
        return loaded, kid


def platform_jwks() -> dict[str, list[dict[str, Any]]]:
    """The sandbox platform's public key set."""
    private, kid = _platform_key()
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    jwk = JWK.from_pem(public).export_public(as_dict=True)
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return {"keys": [jwk]}


# --- helpers --------------------------------------------------------------------------------


def hint_serializer() -> URLSafeTimedSerializer:
    """Signer of the lti_message_hint values."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=HINT_SALT)


def host_and_port(netloc: str) -> tuple[str, str]:
    """Host and port of a netloc (IPv6 brackets removed)."""
    parts = urlsplit(f"//{netloc}")
    host = parts.hostname or ""
    return host, f":{parts.port}" if parts.port else ""


def request_origin() -> str:
    """The origin this request reached (the sandbox platform's origin)."""
    return f"{request.scheme}://{request.host}"


def tool_origin() -> str:
    """The tool's origin: the other loopback name than the course page's, so they are cross-site."""
    host, port = host_and_port(request.host)
    if host in ("127.0.0.1", "::1"):
        other = "localhost"
    elif host == "localhost":
        other = "127.0.0.1"
    else:  # not a loopback name: same origin (cookies then fall back to SameSite=Lax)
        return request_origin()
    return f"{request.scheme}://{other}{port}"


def is_loopback_launch_url(url: str) -> bool:
    """True for an http(s) URL on a loopback host with path /lti/launch."""
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and (parts.hostname or "") in LOOPBACK_HOSTS
        and parts.path == "/lti/launch"
        and not parts.query
        and not parts.fragment
    )


def _hint(role: str, message_type: str, module: str | None) -> str:
    return hint_serializer().dumps(
        {
            "role": role,
            "type": message_type,
            "module": module,
            "origin": request_origin(),
            "locale": current_lang(),
        }
    )


def login_params(role: str, message_type: str, module: str | None) -> dict[str, str]:
    """The OIDC third-party login initiation parameters of a launch."""
    return {
        "iss": ISSUER,
        "login_hint": USERS[role]["sub"],
        "target_link_uri": f"{tool_origin()}/lti/launch",
        "lti_message_hint": _hint(role, message_type, module),
        "client_id": CLIENT_ID,
        "lti_deployment_id": DEPLOYMENT_ID,
    }


def _resource_link_id(module: str | None) -> str:
    return f"sandbox-{module}" if module else "sandbox-programme"


def sign_claims(claims: dict[str, Any]) -> str:
    """Sign claims with the sandbox platform key (RS256, kid)."""
    private, kid = _platform_key()
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid})


def build_id_token(
    *,
    hint: dict[str, Any],
    nonce: str,
    redirect_uri: str,
    platform_origin: str,
) -> dict[str, Any]:
    """The complete LTI 1.3 id_token claims of a sandbox launch."""
    role = hint["role"]
    user = USERS[role]
    module = hint.get("module")
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "azp": CLIENT_ID,
        "sub": user["sub"],
        "exp": now + TOKEN_LIFETIME,
        "iat": now,
        "nonce": nonce,
        "name": f"{user['given_name']} {user['family_name']}",
        "given_name": user["given_name"],
        "family_name": user["family_name"],
        "email": f"{user['sub']}@sandbox.catalyst-training.invalid",
        "locale": hint.get("locale") or "fr",
        CLAIM + "version": "1.3.0",
        CLAIM + "deployment_id": DEPLOYMENT_ID,
        CLAIM + "message_type": hint["type"],
        CLAIM + "target_link_uri": redirect_uri,
        CLAIM + "roles": list(user["roles"]),
        CLAIM + "context": {
            "id": CONTEXT_ID,
            "label": "CATALYST-DEMO",
            "title": CONTEXT_TITLE,
            "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
        },
        CLAIM + "tool_platform": {
            "guid": CLIENT_ID,
            "name": PLATFORM_NAME,
            "product_family_code": "catalyst-sandbox",
            "version": "1",
        },
        CLAIM + "launch_presentation": {
            "document_target": "iframe",
            "locale": hint.get("locale") or "fr",
            "return_url": f"{platform_origin}/sandbox/",
        },
        AGS_CLAIM: {
            "scope": list(AGS_SCOPES),
            "lineitems": f"{platform_origin}/sandbox/ags/{CONTEXT_ID}/lineitems",
        },
    }
    if module:
        claims[CLAIM + "custom"] = {"module": module}
    if hint["type"] == DEEP_LINKING:
        claims[DL_CLAIM + "deep_linking_settings"] = {
            "deep_link_return_url": f"{hint['origin']}/sandbox/deep-link-return",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "accept_multiple": True,
            "auto_create": True,
            "title": CONTEXT_TITLE,
            "data": DEEP_LINK_DATA,
        }
    else:
        link_id = _resource_link_id(module)
        claims[CLAIM + "resource_link"] = {"id": link_id, "title": module or CONTEXT_TITLE}
        claims[AGS_CLAIM]["lineitem"] = (
            f"{platform_origin}/sandbox/ags/{CONTEXT_ID}/lineitems/{link_id}"
        )
    return claims


# --- views ----------------------------------------------------------------------------------
