"""LTI endpoints: OIDC login, launch, JWKS, configuration, deep linking."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_user

from ..auth.models import User
from ..auth.services import LANDING, set_acting
from ..core.errors import render_error
from ..extensions import cache, csrf, db
from ..mentoring.placement import needs_territory_choice
from . import deep_linking, keys, registration, storage, token_session
from .launch import (
    CookieService,
    FlaskRequest,
    LaunchError,
    MessageLaunch,
    OIDCLogin,
    data_storage,
    is_our_url,
)
from .lti11_views import lti11_launch
from .registry import DatabaseToolConf, find_platform
from .services import NoRoleError, record_launch

log = logging.getLogger(__name__)
bp = Blueprint("lti", __name__, url_prefix="/lti")
token_session.init_blueprint(bp)

REASONS = {
    "login_invalid": lambda: _(
        "La demande de connexion de la plateforme est incomplète ou "
        "vient d'une plateforme non enregistrée."
    ),
    "unknown_platform": lambda: _("Cette plateforme n'est pas enregistrée ou a été désactivée."),
    "unknown_deployment": lambda: _("Ce déploiement de l'outil est inconnu ou désactivé."),
    "replayed": lambda: _(
        "Ce lancement a déjà été utilisé. Relancez l'activité depuis votre cours."
    ),
    "state_mismatch": lambda: _(
        "Ce lancement ne correspond pas à votre navigateur (session "
        "expirée ou cookies bloqués). Relancez l'activité depuis votre "
        "cours."
    ),
    "unknown_nonce": lambda: _(
        "Ce lancement n'est plus reconnu (il a pu expirer pendant une maintenance). "
        "Relancez l'activité depuis votre cours."
    ),
    "expired": lambda: _("Le jeton de lancement a expiré. Relancez l'activité."),
    "deep_link_types": lambda: _(
        "La plateforme n'accepte pas de liens vers une activité LTI (ltiResourceLink) : "
        "aucun module ne peut être ajouté depuis cette demande."
    ),
    "no_role": lambda: _("Votre rôle dans ce cours ne donne pas accès à l'outil."),
}


def launch_url() -> str:
    """The launch URL registered with platforms."""
    base = current_app.config.get("BASE_URL")
    return f"{base.rstrip('/')}/lti/launch" if base else url_for("lti.launch", _external=True)


def _reject(exc: LaunchError):
    log.warning("LTI rejected: %s (%s) from %s", exc.reason, exc.detail, request.remote_addr)
    message = REASONS.get(exc.reason, lambda: _("Le lancement a été refusé : jeton invalide."))()
    return render_error(exc.status, f"{message} ({exc.reason})", reason=exc.reason)


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login():
    """OIDC third-party initiated login (with LTI platform storage when the platform offers it)."""
    req = FlaskRequest()
    cookies = CookieService(req)
    target = req.get_param("target_link_uri") or launch_url()
    storage_target = req.get_param(storage.TARGET_PARAM) or None
    launch_storage = storage.SessionlessDataStorage(cache) if storage_target else data_storage()
    try:
        oidc = OIDCLogin(
            req, DatabaseToolConf(), cookie_service=cookies, launch_data_storage=launch_storage
        )
        if not is_our_url(target):
            raise LaunchError(400, "login_invalid", f"target_link_uri {target!r} is not ours")
        response = oidc.begin(target)
    except LaunchError as exc:
        return _reject(exc)
    location = response.headers.get("Location", "")
    params = {k: req.get_param(k) for k in storage.LOGIN_PARAMS}
    record = storage.remember_login(location, params, storage_target)
    if not storage_target:
        return response
    state = storage.redirect_params(location).get("state", "")
    page = make_response(
        render_template(
            "lti/storage_login.html",
            next_url=location,
            state=state,
            nonce=record["nonce"],
            data=storage.page_data(state, record),
        )
    )
    cookies.update_response(page)
    page.headers["Cache-Control"] = "no-store"
    return page


def _new_window_page(record: dict | None):
    """Cookies and platform storage both failed: offer the same launch in a new window."""
    if not record or not record.get("login"):
        return None
    url = url_for("lti.login", **record["login"], lti1p3_new_window="1")
    return render_template("lti/new_window.html", url=url), 401


@bp.post("/launch")
@csrf.exempt
def launch():
    """Validate an id_token and log the user in with the role of this launch."""
    if request.form.get("lti_message_type") == "basic-lti-launch-request":
        return lti11_launch()
    req = FlaskRequest()
    state = req.get_param("state")
    record = storage.peek(state)
    if record and record.get("storage") and not request.cookies.get(f"lti1p3-{state}"):
        # No state cookie, but the platform stores our values: read them back client-side.
        page = render_template(
            "lti/storage_launch.html",
            id_token=req.get_param("id_token"),
            state=state,
            data=storage.page_data(state, record),
        )
        return page, 200, {"Cache-Control": "no-store"}
    return _run_launch(req, record, platform_storage=False)


@bp.post("/launch/storage")
@csrf.exempt
def launch_storage():
    """Second step of a launch through platform storage: check the values read back."""
    req = FlaskRequest()
    return _run_launch(req, storage.peek(req.get_param("state")), platform_storage=True)


def _run_launch(req: FlaskRequest, record: dict | None, *, platform_storage: bool):
    launch_storage = storage.launch_data_storage(record, request.cookies)
    try:
        message = MessageLaunch(
            req,
            DatabaseToolConf(),
            cookie_service=CookieService(req),
            launch_data_storage=launch_storage,
        )
        message.platform_storage = platform_storage
        message.validate()
        claims = message.claims()
        platform = find_platform(claims["iss"], message.get_client_id())
        assert platform is not None
        acting = record_launch(platform, claims, message.get_launch_id())
    except LaunchError as exc:
        db.session.rollback()
        fallback = _new_window_page(record) if exc.reason == "state_mismatch" else None
        if fallback is not None:
            log.warning("LTI launch without cookies nor storage: %s", exc.detail)
            return fallback
        return _reject(exc)
    except NoRoleError as exc:
        db.session.rollback()
        return _reject(LaunchError(403, "no_role", str(exc)))
    if message.is_deep_link_launch():
        if acting.role == "learner":
            db.session.rollback()
            return _reject(LaunchError(403, "no_role", "deep linking is for mentors"))
        deep_linking.remember(message, claims)
    db.session.commit()
    if record is not None and not platform_storage:
        storage.consume(req.get_param("state"))
    session.clear()
    login_user(db.session.get(User, acting.user_id))
    set_acting(acting)
    if acting.locale:
        session["lang"] = acting.locale[:2]
    token = token_session.issue(acting)
    target = (
        url_for("lti.deep_link", lt=token)
        if message.is_deep_link_launch()
        else url_for(LANDING[acting.role], lt=token)
    )
    if acting.role == "learner" and needs_territory_choice(acting.user_id, acting.context_pk):
        target = url_for("mentoring.pick_territory", lt=token)
    return redirect(target, code=303)


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
    base = launch_url().rsplit("/lti/launch", 1)[0]
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


bp.add_url_rule(
    "/deep-link", view_func=deep_linking.picker, methods=["GET", "POST"], endpoint="deep_link"
)
bp.add_url_rule("/register", view_func=registration.register_view, endpoint="register")
