"""The tool's public key set and the configuration an administrator pastes into a platform."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _

from ...extensions import db
from .. import keys
from ..urls import tool_base_url
from .blueprint import bp


@bp.get("/jwks.json")
def jwks():
    """The tool's public keys."""
    keys.ensure_key()
    db.session.commit()
    return jsonify(keys.public_jwks())


@bp.get("/config.json")
def config_json():
    """What an administrator pastes into Moodle, Canvas or Open edX Studio."""
    key = keys.ensure_key()
    db.session.commit()
    base = tool_base_url()
    return jsonify(
        {
            "title": "Catalyst training",
            "description": _("Parcours de formation des catalyseurs territoriaux"),
            "oidc_initiation_url": f"{base}/lti/login",
            "target_link_uri": f"{base}/lti/launch",
            "redirect_uris": [f"{base}/lti/launch"],
            "jwks_uri": f"{base}/lti/jwks.json",
            "public_jwk": key.public_jwk,
            "deep_linking_url": f"{base}/lti/launch",
            "lti11_launch_url": f"{base}/lti/launch11",
            "scopes": [
                "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
            ],
            "custom_parameters": {"module": "<slug du module>"},
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email", "locale"],
            "messages": ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"],
        }
    )
