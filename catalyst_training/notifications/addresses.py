"""Where a person's messages go: the platform's address, else one they gave and confirmed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from ..auth.models import User
from ..delivery.models import PENDING as PENDING_STATE
from ..extensions import db
from .models import CONFIRM, NotificationAddress, NotificationMessage

# Deliberately simple: one @, no spaces, a dot in the domain. The confirmation link does the rest.
EMAIL = re.compile(r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+$")


class AddressError(ValueError):
    """An address that cannot be used."""


def addresses_of(user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's usable address: the platform's email, else a confirmed one of their own."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.email, NotificationAddress.email, NotificationAddress.confirmed_at)
        .outerjoin(NotificationAddress, NotificationAddress.user_id == User.id)
        .where(User.id.in_(ids))
    ).all()
    found = {}
    for uid, platform_email, own, confirmed_at in rows:
        if platform_email:
            found[uid] = platform_email
        elif own and confirmed_at is not None:
            found[uid] = own
    return found


def address_of(user_id: int) -> str | None:
    """One person's usable address, or None."""
    return addresses_of([user_id]).get(user_id)


def own_address(user_id: int) -> NotificationAddress | None:
    """The address a person gave in the tool (confirmed or not)."""
    return db.session.scalars(select(NotificationAddress).filter_by(user_id=user_id)).first()


def own_address_by_id(address_id: int) -> NotificationAddress | None:
    """An address row by id (the confirmation link names it)."""
    return db.session.get(NotificationAddress, address_id)


def give_address(user_id: int, email: str, now: datetime) -> NotificationAddress:
    """Record an address (unconfirmed) and queue its confirmation message (flush only)."""
    email = (email or "").strip()
    if len(email) > 320 or not EMAIL.match(email):
        raise AddressError("invalid")
    row = own_address(user_id)
    if row is None:
        row = NotificationAddress(user_id=user_id, email=email)
        db.session.add(row)
    elif row.email == email and row.confirmed_at is not None:
        return row
    row.email, row.confirmed_at, row.updated_at = email, None, now
    db.session.flush()
    user = db.session.get(User, user_id)
    db.session.add(
        NotificationMessage(
            user_id=user_id,
            platform_id=user.platform_id if user else None,
            audience=CONFIRM,
            # One confirmation per change: a new address (or a second request) is a new message.
            period_key=f"c:{row.id}:{now.isoformat()}",
            state=PENDING_STATE,
            next_attempt_at=now,
        )
    )
    db.session.flush()
    return row


def confirm(address_id: int, email: str, now: datetime) -> NotificationAddress | None:
    """Confirm an address if the link names it as it stands; None when it does not."""
    row = db.session.get(NotificationAddress, address_id)
    if row is None or row.email != email:
        return None
    if row.confirmed_at is None:
        row.confirmed_at = now
        db.session.flush()
    return row


def forget_address(user_id: int) -> bool:
    """Remove the address a person gave (flush only)."""
    row = own_address(user_id)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True
