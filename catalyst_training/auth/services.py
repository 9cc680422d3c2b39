"""Who is acting, in which context and with which role (the session's view of a launch)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import wraps
from typing import Any, NoReturn

from flask import abort, session
from flask_babel import gettext as _
from flask_login import current_user

from . import roles

SESSION_KEY = "act"


@dataclass(frozen=True)
class Acting:
    """The role a user acts with after a launch (or a direct coordinator login)."""

    user_id: int
    role: str
    platform_id: int | None = None
    context_pk: int | None = None
    resource_link_pk: int | None = None
    launch_id: str | None = None
    locale: str | None = None
    deployment_pk: int | None = None


def set_acting(acting: Acting) -> None:
    """Remember the acting role in the session."""
    session[SESSION_KEY] = asdict(acting)


def get_acting() -> Acting | None:
    """The acting role of the logged-in user, or None."""
    raw: dict[str, Any] | None = session.get(SESSION_KEY)
    if not raw or not current_user.is_authenticated or raw.get("user_id") != current_user.id:
        return None
    return Acting(**raw)


def session_expired() -> NoReturn:
    """Abort with 401: no session, or one that no longer holds."""
    abort(
        401,
        _("Votre session a expiré ou n'existe pas : relancez l'outil depuis votre cours."),
    )


def require_acting(*allowed: str) -> Acting:
    """The acting role of this request: 401 without a session, 403 outside `allowed` (if any)."""
    acting = get_acting()
    if acting is None:
        session_expired()
    if allowed and acting.role not in allowed:
        abort(403, _("Votre rôle ne permet pas d'accéder à cette page."))
    return acting


def clear_acting() -> None:
    """Forget the acting role."""
    session.pop(SESSION_KEY, None)


def role_required(*allowed: str):
    """View decorator: 401 without a session, 403 when the acting role is not allowed."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            require_acting(*allowed)
            return view(*args, **kwargs)

        return wrapped

    return decorator


LANDING = {
    roles.LEARNER: "learning.home",
    roles.MENTOR: "mentoring.home",
    roles.COORDINATOR: "reporting.home",
}
