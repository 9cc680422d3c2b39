"""The sandbox platform's messages: origins, signed login hints and the id_tokens it sends."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import jwt
from flask import current_app, request
from itsdangerous import URLSafeTimedSerializer

from ..core.templating import current_lang
from ..lti.launch import CLAIM, DL_CLAIM
from .services import (
    AGS_CLAIM,
    AGS_SCOPES,
    CLIENT_ID,
    CONTEXT_ID,
    CONTEXT_TITLE,
    DEEP_LINK_DATA,
    DEEP_LINKING,
    DEPLOYMENT_ID,
    HINT_SALT,
    ISSUER,
    LOOPBACK_HOSTS,
    PLATFORM_NAME,
    TOKEN_LIFETIME,
    USERS,
    platform_key,
)


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
    private, kid = platform_key()
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
