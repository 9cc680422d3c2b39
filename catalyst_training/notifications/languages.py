"""The language of a person's messages: their choice on the settings page, else the platform's."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..auth.models import User
from ..core.clock import clock_of
from ..extensions import db
from .models import LANGUAGES, NotificationLanguage

L = NotificationLanguage
# The settings form's value for "Comme la plateforme": no row is kept.
PLATFORM = "platform"


def language_of(locale: str | None) -> str:
    """fr or en from a platform locale (fr-FR, en_GB...); French by default."""
    return "en" if (locale or "").lower().startswith("en") else "fr"


def chosen(user_ids: Iterable[int]) -> dict[int, str]:
    """The language each of these people chose (absent: they follow the platform)."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    return dict(db.session.execute(select(L.user_id, L.language).where(L.user_id.in_(ids))).all())


def choice_of(user_id: int) -> str:
    """The person's choice as the form shows it: a language, or PLATFORM."""
    return chosen([user_id]).get(user_id, PLATFORM)


def set_language(user_id: int, choice: str) -> bool:
    """Record a choice (flush only): a language, or PLATFORM to follow the platform again."""
    if choice != PLATFORM and choice not in LANGUAGES:
        raise ValueError(choice)
    row = db.session.get(L, user_id)
    if choice == PLATFORM:
        if row is None:
            return False
        db.session.delete(row)
    elif row is None:
        db.session.add(L(user_id=user_id, language=choice, updated_at=clock_of().now()))
    elif row.language == choice:
        return False
    else:
        row.language, row.updated_at = choice, clock_of().now()
    db.session.flush()
    return True


def languages_for(user_ids: Iterable[int]) -> dict[int, str]:
    """The language of each person's messages: their choice, else their platform's locale."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.locale, L.language)
        .outerjoin(L, L.user_id == User.id)
        .where(User.id.in_(ids))
    ).all()
    return {uid: language or language_of(locale) for uid, locale, language in rows}
