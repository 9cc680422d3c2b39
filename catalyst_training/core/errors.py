"""Error pages: every HTTP error renders a clear page in the user's language."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def wants_json() -> bool:
    """True when the client asked for JSON (API paths or an Accept header)."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _titles() -> dict[int, str]:
    return {
        400: _("Requête invalide"),
        401: _("Authentification requise"),
        403: _("Accès refusé"),
        404: _("Page introuvable"),
        405: _("Méthode non autorisée"),
        413: _("Fichier trop volumineux"),
        429: _("Trop de requêtes"),
        500: _("Erreur interne"),
    }


def render_error(status: int, message: str, *, reason: str | None = None):
    """Render the error page (or JSON) with a status code."""
    title = _titles().get(status, _("Erreur"))
    if wants_json():
        return jsonify({"error": title, "message": message, "reason": reason}), status
    return (
        render_template("core/error.html", status=status, title=title, message=message),
        status,
    )


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return render_error(exc.code or 500, exc.description or "")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # pragma: no cover - last resort
        log.exception("unhandled error on %s", request.path)
        return render_error(500, _("Une erreur inattendue s'est produite. Réessayez plus tard."))
