"""Local coordinator accounts: creation and password checks (werkzeug scrypt hashes)."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .models import User

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 12
# Checked when the email is unknown, so that a wrong email costs as much as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """A refused account change, with a message for the console."""


def coordinator_by_email(email: str) -> User | None:
    """The local coordinator account with this email (case-insensitive), or None."""
    return db.session.scalar(
        select(User).where(
            func.lower(User.email) == (email or "").strip().lower(),
            User.is_coordinator_account.is_(True),
        )
    )


def save_coordinator(email: str, password: str) -> tuple[User, bool]:
    """Create a coordinator account or reset its password; (user, created). Flush only."""
    email = (email or "").strip().lower()
    if not EMAIL.match(email):
        raise AccountError(f"invalid email address: {email!r}")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    user = coordinator_by_email(email)
    created = user is None
    if user is None:
        user = User(email=email, is_coordinator_account=True)
        db.session.add(user)
    user.password_hash = generate_password_hash(password)
    db.session.flush()
    return user, created


def authenticate(email: str, password: str) -> User | None:
    """The account when the password matches, else None (same work either way)."""
    user = coordinator_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None
