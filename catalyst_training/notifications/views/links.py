"""Pages reached from a message, without logging in: unsubscribe, confirm an address.

A GET only shows a button (mail scanners follow links: they must not unsubscribe anyone); the
POST of that button carries a CSRF token. The one exception is RFC 8058's one-click POST, sent
by the mail client itself with `List-Unsubscribe=One-Click` and the signed token in the URL.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from ...auth.models import User
from ...core.clock import clock_of
from ...extensions import csrf, db
from .. import addresses, consent
from ..forms import ConfirmForm
from ..models import AUDIENCES, OFF
from ..tokens import read_confirm, read_unsubscribe
from .blueprint import bp

ONE_CLICK = "One-Click"


def _unsubscribe_target(token: str) -> tuple[User, str]:
    found = read_unsubscribe(token)
    if found is None or found[1] not in AUDIENCES:
        abort(404, _("Ce lien de désinscription n'est pas valide."))
    user = db.session.get(User, found[0])
    if user is None:
        abort(404, _("Ce lien de désinscription n'est pas valide."))
    return user, found[1]


def _check_csrf() -> None:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        abort(400, _("Formulaire expiré : rechargez la page."))


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # checked below: a CSRF token, or RFC 8058's one-click body with a valid token
def unsubscribe(token: str):
    """Stop one kind of message; idempotent, no login (the signed token names the person)."""
    user, audience = _unsubscribe_target(token)
    done = False
    if request.method == "POST":
        if request.form.get("List-Unsubscribe") != ONE_CLICK:
            _check_csrf()
        consent.set_mode(user.id, audience, OFF)
        db.session.commit()
        done = True
        if request.form.get("List-Unsubscribe") == ONE_CLICK:
            return "", 204
    return render_template(
        "notifications/unsubscribe.html",
        audience=audience,
        done=done or consent.mode_of(user.id, audience) == OFF,
        form=ConfirmForm(),
        token=token,
    )


@bp.route("/notifications/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Confirm an address a person gave: the button's POST does it (no login needed)."""
    found = read_confirm(token)
    if found is None:
        abort(404, _("Ce lien de confirmation n'est pas valide ou a expiré."))
    row = addresses.own_address_by_id(found[0])
    if row is None or row.email != found[1]:
        abort(404, _("Ce lien de confirmation n'est pas valide ou a expiré."))
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, _("Formulaire expiré : rechargez la page."))
        addresses.confirm(found[0], found[1], clock_of().now())
        db.session.commit()
    return render_template(
        "notifications/confirm.html", confirmed=row.confirmed_at is not None, form=form
    )
