"""A shared service (Redis, PostgreSQL) unreachable: a clear 503 'retry' page, not a 500."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, current_app, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, OperationalError

from ..extensions import db

log = logging.getLogger(__name__)
RETRY_AFTER = 5


def _outage_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [OperationalError]
    try:
        import redis.exceptions as rex

        types += [rex.ConnectionError, rex.TimeoutError, rex.BusyLoadingError]
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    return tuple(types)


def service_unavailable(exc: BaseException):
    """Render the 503 page telling the user to retry in a moment."""
    from .errors import render_error

    with contextlib.suppress(Exception):  # the database itself may be the service that is down
        db.session.rollback()
    log.warning(
        "service unavailable on %s %s: %s", request.method, request.path, type(exc).__name__
    )
    message = _(
        "Le service est momentanément indisponible. Patientez quelques secondes puis "
        "relancez l'activité depuis votre cours."
    )
    response = current_app.make_response(render_error(503, message, reason="unavailable"))
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def _is_disconnect(exc: DBAPIError) -> bool:
    return bool(getattr(exc, "connection_invalidated", False))


def init_app(app: Flask) -> None:
    """Map connection failures of Redis and the database to the 503 page."""
    for exc_type in _outage_types():
        app.register_error_handler(exc_type, service_unavailable)

    @app.teardown_appcontext
    def _end_session_even_if_connection_died(_exc: BaseException | None) -> None:
        # Runs before Flask-SQLAlchemy's own teardown: a connection killed after the response
        # was built (ROLLBACK fails) must not turn that response into a 500.
        try:
            db.session.remove()
        except Exception as exc:
            log.warning("database connection lost at the end of a request: %s", type(exc).__name__)
            with contextlib.suppress(Exception):
                db.session.registry.clear()

    @app.errorhandler(DBAPIError)
    def _dbapi_error(exc: DBAPIError):
        if _is_disconnect(exc):
            return service_unavailable(exc)
        from .errors import render_error

        db.session.rollback()
        log.exception("database error on %s", request.path)
        return render_error(500, _("Une erreur inattendue s'est produite. Réessayez plus tard."))
