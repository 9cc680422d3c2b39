"""The sandbox's pages: a fake MOOC course page that launches the tool, its OIDC auth endpoint,
its key set and the deep-linking return page. Registered only when ``DEMO`` is on."""

from __future__ import annotations

from urllib.parse import urlencode

import jwt
from flask import abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from itsdangerous import BadSignature

from ...content.loader import load_programme
from ...core.clock import clock_of
from ...extensions import csrf
from ...lti import keys
from ...lti.launch import CLAIM, DL_CLAIM
from ..messages import (
    build_id_token,
    hint_serializer,
    is_loopback_launch_url,
    login_params,
    request_origin,
    sign_claims,
    tool_origin,
)
from ..overview import demo_overview
from ..services import (
    CLIENT_ID,
    CONTEXT_TITLE,
    DEEP_LINK_DATA,
    DEEP_LINKING,
    DEPLOYMENT_ID,
    HINT_MAX_AGE,
    ISSUER,
    RESOURCE_LINK,
    USERS,
    platform_jwks,
)
from .blueprint import bp


@bp.get("/")
def course():
    """A MOOC-like course page that frames the tool and launches it with each role."""
    modules = load_programme(current_app.config["CONTENT_PATH"])
    login_url = f"{tool_origin()}/lti/login"
    learner_default = login_params("learner", RESOURCE_LINK, None)
    learner_hints = [(None, _("Aucun module : le parcours complet"), learner_default)]
    learner_hints += [
        (m.slug, m.title, login_params("learner", RESOURCE_LINK, m.slug)) for m in modules
    ]
    launches = {
        "mentor": login_params("mentor", RESOURCE_LINK, None),
        "coordinator": login_params("coordinator", RESOURCE_LINK, None),
        "deep_linking": login_params("mentor", DEEP_LINKING, None),
    }
    # ?storage=1: the page answers LTI platform-storage postMessages, launches announce it.
    storage = request.args.get("storage") == "1"
    if storage:
        for params in [learner_default, *(h[2] for h in learner_hints), *launches.values()]:
            params["lti_storage_target"] = "_parent"
    return render_template(
        "sandbox/course.html",
        login_url=login_url,
        tool_origin=tool_origin(),
        initial_src=f"{login_url}?{urlencode(learner_default)}",
        learner=learner_default,
        learner_hints=learner_hints,
        launches=launches,
        context_title=CONTEXT_TITLE,
        storage=storage,
        overview=demo_overview(clock_of().now()),
        learner_name=f"{USERS['learner']['given_name']} {USERS['learner']['family_name']}",
    )


@bp.get("/jwks.json")
def jwks():
    """The sandbox platform's public keys (fetched by the tool to check id_tokens)."""
    return jsonify(platform_jwks())


@bp.get("/auth")
def auth():
    """OIDC authorization endpoint: answer the tool's redirect with a signed id_token."""
    args = request.args
    if args.get("client_id") != CLIENT_ID:
        abort(400, _("client_id inconnu de la plateforme de démonstration."))
    if args.get("response_type") != "id_token":
        abort(400, _("response_type doit valoir id_token."))
    if "openid" not in (args.get("scope") or "").split():
        abort(400, _("La portée (scope) doit contenir openid."))
    if args.get("response_mode", "form_post") != "form_post":
        abort(400, _("response_mode doit valoir form_post."))
    redirect_uri = args.get("redirect_uri") or ""
    if not is_loopback_launch_url(redirect_uri):
        abort(400, _("redirect_uri doit être l'adresse /lti/launch de l'outil en local."))
    nonce = args.get("nonce")
    if not nonce:
        abort(400, _("Le nonce est absent."))
    try:
        hint = hint_serializer().loads(args.get("lti_message_hint") or "", max_age=HINT_MAX_AGE)
    except BadSignature:
        abort(400, _("lti_message_hint invalide ou expiré : rechargez la page du cours."))
    if not isinstance(hint, dict) or hint.get("role") not in USERS:
        abort(400, _("lti_message_hint invalide ou expiré : rechargez la page du cours."))
    if hint.get("type") not in (RESOURCE_LINK, DEEP_LINKING):
        abort(400, _("lti_message_hint invalide ou expiré : rechargez la page du cours."))
    if args.get("login_hint") != USERS[hint["role"]]["sub"]:
        abort(400, _("login_hint ne correspond pas à la demande de lancement."))
    claims = build_id_token(
        hint=hint, nonce=nonce, redirect_uri=redirect_uri, platform_origin=request_origin()
    )
    return render_template(
        "sandbox/auth_post.html",
        action=redirect_uri,
        id_token=sign_claims(claims),
        state=args.get("state", ""),
    )


@bp.post("/deep-link-return")
@csrf.exempt
def deep_link_return():
    """Receive the tool's LtiDeepLinkingResponse, check it and show the chosen items."""
    token = request.form.get("JWT") or ""
    try:
        header = jwt.get_unverified_header(token)
        jwk = next(
            (k for k in keys.public_jwks()["keys"] if k.get("kid") == header.get("kid")), None
        )
        if jwk is None:
            raise jwt.InvalidTokenError(f"unknown kid {header.get('kid')!r}")
        claims = jwt.decode(
            token,
            jwt.PyJWK(jwk).key,
            algorithms=["RS256"],
            audience=ISSUER,
            issuer=CLIENT_ID,
            leeway=current_app.config["CLOCK_SKEW_SECONDS"],
            options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
        )
    except jwt.InvalidTokenError as exc:
        current_app.logger.warning("sandbox: deep linking response rejected: %s", exc)
        abort(400, _("Réponse de liens profonds refusée : %(reason)s", reason=str(exc)))
    problems = []
    if claims.get(CLAIM + "message_type") != "LtiDeepLinkingResponse":
        problems.append("message_type")
    if claims.get(CLAIM + "version") != "1.3.0":
        problems.append("version")
    if claims.get(CLAIM + "deployment_id") != DEPLOYMENT_ID:
        problems.append("deployment_id")
    if claims.get(DL_CLAIM + "data") != DEEP_LINK_DATA:
        problems.append("data")
    if problems:
        abort(
            400,
            _("Réponse de liens profonds refusée : %(reason)s", reason=", ".join(problems)),
        )
    items = [i for i in claims.get(DL_CLAIM + "content_items") or [] if isinstance(i, dict)]
    return render_template(
        "sandbox/deep_link_return.html",
        items=items,
        message=claims.get(DL_CLAIM + "msg"),
        course_url=f"{request_origin()}/sandbox/",
        context_title=CONTEXT_TITLE,
    )
