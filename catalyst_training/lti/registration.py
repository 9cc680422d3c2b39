"""LTI Dynamic Registration: fetch the platform's configuration, register, store it inactive."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g
from flask_babel import gettext as _

from ..core import outbound
from .registry import RegistryError, add_platform, find_platform

log = logging.getLogger(__name__)

PLATFORM_CONF = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONF = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]
CLAIMS = ["iss", "sub", "name", "given_name", "family_name", "email", "locale"]
TIMEOUT = 10
MAX_BYTES = 256 * 1024


class RegistrationError(Exception):
    """A registration that cannot proceed: HTTP status and a message for the administrator."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _local_allowed() -> bool:
    return bool(current_app.config.get("OUTBOUND_ALLOW"))


def check_platform_url(url: Any, label: str) -> str:
    """An https URL (http where loopback is allowed: tests, demo) not naming a private address.

    Names are not resolved here: the outbound client checks the address it actually connects to.
    """
    parts = urlsplit(url if isinstance(url, str) else "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RegistrationError(400, _("%(label)s : adresse absente ou invalide.", label=label))
    if parts.scheme != "https" and not _local_allowed():
        raise RegistrationError(400, _("%(label)s : HTTPS est obligatoire.", label=label))
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None and not outbound.address_allowed(str(literal)):
        raise RegistrationError(
            400, _("%(label)s : adresse privée ou locale refusée.", label=label)
        )
    return url


def _fetch_json(method: str, url: str, token: str | None, **kwargs: Any) -> dict[str, Any]:
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        resp = outbound.request(
            method, url, headers=headers, timeout=TIMEOUT, max_bytes=MAX_BYTES, **kwargs
        )
    except outbound.OutboundError as exc:
        if exc.reason == "address":
            raise RegistrationError(
                400, _("%(label)s : adresse privée ou locale refusée.", label=url)
            ) from exc
        if exc.reason == "too_large":
            raise RegistrationError(400, _("Réponse de la plateforme trop volumineuse.")) from exc
        raise RegistrationError(
            502, _("La plateforme est injoignable : %(error)s", error=exc.reason)
        ) from exc
    if resp.status_code >= 400:
        raise RegistrationError(
            502 if method == "POST" else 400,
            _("La plateforme a répondu %(status)s : %(body)s", status=resp.status_code,
              body=outbound.shown(resp.text, 300)),
        )  # fmt: skip
    try:
        data = resp.json()
    except ValueError as exc:
        raise RegistrationError(400, _("La plateforme n'a pas répondu en JSON.")) from exc
    if not isinstance(data, dict):
        raise RegistrationError(400, _("La plateforme n'a pas répondu par un objet JSON."))
    return data


def platform_origin(issuer: str) -> str:
    """The origin (scheme://host[:port]) of a validated issuer URL."""
    parts = urlsplit(issuer)
    return f"{parts.scheme}://{parts.netloc}"


def validate_configuration(config: dict[str, Any], config_url: str) -> dict[str, Any]:
    """Check the OpenID configuration of a platform; return it or raise RegistrationError."""
    issuer = check_platform_url(config.get("issuer"), "issuer")
    same_host = urlsplit(issuer).netloc == urlsplit(config_url).netloc
    if not (config_url.startswith(issuer.rstrip("/")) or same_host):
        raise RegistrationError(
            400, _("L'émetteur (issuer) ne correspond pas à l'adresse de la configuration.")
        )
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"):
        check_platform_url(config.get(name), name)
    if "private_key_jwt" not in (config.get("token_endpoint_auth_methods_supported") or []):
        raise RegistrationError(400, _("La plateforme ne prend pas en charge private_key_jwt."))
    if "RS256" not in (config.get("id_token_signing_alg_values_supported") or ["RS256"]):
        raise RegistrationError(400, _("La plateforme ne signe pas ses jetons en RS256."))
    platform_conf = config.get(PLATFORM_CONF)
    if not isinstance(platform_conf, dict):
        raise RegistrationError(400, _("Configuration LTI de la plateforme absente."))
    if "LtiResourceLinkRequest" not in supported_messages(config):
        raise RegistrationError(
            400, _("La plateforme ne prend pas en charge les lancements LtiResourceLinkRequest.")
        )
    return config


def supported_messages(config: dict[str, Any]) -> set[str]:
    """The LTI message types a platform configuration says it supports."""
    messages = (config.get(PLATFORM_CONF) or {}).get("messages_supported") or []
    return {m.get("type") for m in messages if isinstance(m, dict)} | {
        m for m in messages if isinstance(m, str)
    }


def client_metadata(config: dict[str, Any], base: str) -> dict[str, Any]:
    """The tool's registration request (OpenID client metadata + LTI tool configuration)."""
    launch = f"{base}/lti/launch"
    messages: list[dict[str, Any]] = [{"type": "LtiResourceLinkRequest", "target_link_uri": launch}]
    if "LtiDeepLinkingRequest" in supported_messages(config):
        messages.append(
            {
                "type": "LtiDeepLinkingRequest",
                "target_link_uri": launch,
                "label": _("Ajouter un module du parcours"),
            }
        )
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": f"{base}/lti/login",
        "redirect_uris": [launch],
        "client_name": "Catalyst training",
        "jwks_uri": f"{base}/lti/jwks.json",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        TOOL_CONF: {
            "domain": urlsplit(base).netloc,
            "description": _("Parcours de formation des catalyseurs territoriaux"),
            "target_link_uri": launch,
            "claims": CLAIMS,
            "messages": messages,
        },
    }


def register_platform(config_url: str, token: str | None, base: str) -> Any:
    """Run the whole registration; return the stored Platform (inactive unless auto-approved)."""
    check_platform_url(config_url, "openid_configuration")
    config = validate_configuration(_fetch_json("GET", config_url, token), config_url)
    answer = _fetch_json(
        "POST", config["registration_endpoint"], token, json=client_metadata(config, base)
    )
    client_id = answer.get("client_id")
    deployment_id = (answer.get(TOOL_CONF) or {}).get("deployment_id")
    if not isinstance(client_id, str) or not client_id:
        raise RegistrationError(502, _("La plateforme n'a pas renvoyé de client_id."))
    if not isinstance(deployment_id, str | int) or deployment_id == "":
        raise RegistrationError(502, _("La plateforme n'a pas renvoyé de deployment_id."))
    g.pop("catalyst_platforms", None)  # the registry memo may predate this registration
    if find_platform(config["issuer"], client_id) is not None:
        raise RegistrationError(409, _("Cette plateforme est déjà enregistrée."))
    platform_conf = config.get(PLATFORM_CONF) or {}
    family = platform_conf.get("product_family_code") or "LTI"
    try:
        platform = add_platform(
            issuer=config["issuer"],
            client_id=client_id,
            auth_login_url=config["authorization_endpoint"],
            auth_token_url=config["token_endpoint"],
            key_set_url=config["jwks_uri"],
            deployment_ids=[str(deployment_id)],
            audience=config.get("authorization_server") or None,
            name=f"{family} — {urlsplit(config['issuer']).netloc}",
            active=bool(current_app.config.get("AUTO_APPROVE_REGISTRATIONS")),
        )
    except RegistryError as exc:
        raise RegistrationError(400, str(exc)) from exc
    platform.extra = {**(platform.extra or {}), "registered_by": "dynamic-registration"}
    return platform
