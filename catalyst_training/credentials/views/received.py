"""The public form "Vérifier un badge reçu": a baked PNG or a JWT checked against our keys."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, render_template, request
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from werkzeug.datastructures import FileStorage

from ...core.clock import clock_of
from ...core.limiter import VERIFY, limiter
from ...extensions import csrf
from .. import badges, received
from ..forms import ReceivedBadgeForm
from .blueprint import bp
from .verify import verify_rate

# Room for the multipart envelope around a 2 MB file; beyond it Werkzeug answers 413 unread.
REQUEST_CAP = received.MAX_BYTES + 256 * 1024


def _unreadable_message(reason: str) -> str:
    return {
        received.EMPTY: _("Collez le texte d'un badge (JWT) ou choisissez son image PNG."),
        received.NOT_PNG: _(
            "Ce fichier n'est pas une image PNG. Choisissez l'image du badge (.png) telle que "
            "vous l'avez reçue."
        ),
        received.NO_CREDENTIAL: _(
            "Cette image PNG ne contient aucun badge Open Badges : aucun credential signé n'y "
            "est intégré."
        ),
        received.NOT_JWT: _(
            "Ce texte n'est pas un badge au format JWT : trois parties séparées par des points, "
            "la première commençant par « eyJ »."
        ),
    }[reason]


def _outcome_message(found: badges.Check) -> str:
    """What the check says, in words (the valid case included)."""
    claims = found.claims
    if found.outcome == "valid":
        return _("Signature vérifiée : ce badge est authentique et valide.")
    if found.outcome == badges.BAD_SIGNATURE:
        return _(
            "Signature invalide : ce badge a été modifié après sa signature, il ne peut pas "
            "servir de preuve."
        )
    if found.outcome == badges.UNKNOWN_KEY:
        return _(
            "Ce badge n'a pas été délivré par cet outil : il n'est signé par aucune de nos clés "
            "publiées."
        )
    if found.outcome == badges.EXPIRED:
        return _("Ce badge a expiré le %(date)s.", date=_stamp(claims.get("exp")))
    if found.outcome == badges.NOT_YET_VALID:
        return _("Ce badge n'est pas encore valide : il le sera le %(date)s.",
                 date=_stamp(claims.get("nbf")))  # fmt: skip
    if found.outcome == "superseded":
        return _("Ce badge est révoqué : il a été remplacé par un badge plus récent.")
    if found.outcome == "revoked":
        return _("Ce badge a été retiré : il ne peut plus servir de preuve.")
    return _("Ce badge est signé par cet outil, mais cette installation ne le connaît pas.")


def _stamp(value) -> str:
    moment = datetime.fromtimestamp(float(value or 0), UTC)
    return format_datetime(moment, "long")


def _page(form: ReceivedBadgeForm, status: int = 200, **result):
    response = current_app.make_response(
        (render_template("credentials/received.html", form=form, **result), status)
    )
    # As the verification page: for the person who holds the badge, not for search engines.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/verify")
@limiter.limit(verify_rate, key_func=get_remote_address, error_message=VERIFY)
def received_form():
    """The empty form: paste a JWT or upload a baked PNG."""
    return _page(ReceivedBadgeForm())


@bp.post("/verify")
@csrf.exempt  # checked below, once the anonymous upload's size cap is set (else 20 MB parsed)
@limiter.limit(verify_rate, key_func=get_remote_address, error_message=VERIFY)
def received_check():
    """Check a received badge: 200 when valid, 422 with the reason otherwise (never a 500)."""
    request.max_content_length = REQUEST_CAP
    csrf.protect()  # a missing or wrong token: 400, as everywhere else
    form = ReceivedBadgeForm()
    if not form.validate_on_submit():  # only the file size cap can fail here
        return _page(form, 422, error_field="image" if form.image.errors else "token")
    upload = form.image.data  # a text field named `image` is not a file: ignore it
    data = upload.read() if isinstance(upload, FileStorage) else None
    try:
        token = received.token_of(form.token.data, data)
    except received.Unreadable as exc:
        field = form.image if data else form.token
        field.errors = [_unreadable_message(exc.reason)]
        return _page(form, 422, error_field=field.name)
    found = received.examine(token, clock_of().now())
    return _page(
        form,
        200 if found.outcome == "valid" else 422,
        found=found,
        message=_outcome_message(found),
        facts=received.summary(found),
        badge=found.badge,
    )
