"""OIDC login initiation and the launch (cookies, platform storage, or a new window)."""

from __future__ import annotations

import logging

from flask import make_response, render_template, request, url_for

from ...core.limiter import login_limit
from ...extensions import cache, csrf, db
from .. import deep_linking, storage
from ..launch import (
    CookieService,
    FlaskRequest,
    LaunchError,
    MessageLaunch,
    OIDCLogin,
    data_storage,
    is_our_url,
)
from ..lti11.views.launch import lti11_launch
from ..registry import DatabaseToolConf, find_platform
from ..services import NoRoleError, record_launch
from ..urls import launch_url
from .blueprint import bp, complete_login, reject

log = logging.getLogger(__name__)


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
@login_limit
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
        return reject(exc)
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
@login_limit
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
        if platform is None:  # deactivated between validation and now
            raise LaunchError(400, "unknown_platform", f"{claims['iss']} is not registered")
        acting = record_launch(platform, claims, message.get_launch_id())
    except LaunchError as exc:
        db.session.rollback()
        fallback = _new_window_page(record) if exc.reason == "state_mismatch" else None
        if fallback is not None:
            log.warning("LTI launch without cookies nor storage: %s", exc.detail)
            return fallback
        return reject(exc)
    except NoRoleError as exc:
        db.session.rollback()
        return reject(LaunchError(403, "no_role", str(exc)))
    if message.is_deep_link_launch():
        if acting.role == "learner":
            db.session.rollback()
            return reject(LaunchError(403, "no_role", "deep linking is for mentors"))
        deep_linking.remember(message, claims)
    db.session.commit()
    if record is not None and not platform_storage:
        storage.consume(req.get_param("state"))
    return complete_login(acting, deep_link=message.is_deep_link_launch())
