"""Configuring the LRSs: one per platform, or one global; the password kept encrypted."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from ...extensions import db
from ...lti.lti11.models import encrypt_secret
from ...lti.models import Platform
from .models import LrsEndpoint


class LrsError(ValueError):
    """A configuration the tool cannot use; the message says why."""


def check_url(url: str) -> str:
    """The LRS base URL, refused unless http(s) with a host (https outside loopback tests)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LrsError(f"LRS URL must be an http(s) URL with a host: {url!r}")
    if parts.username or parts.password:
        raise LrsError("put the LRS credentials in --username and the password, not in the URL")
    return url


def endpoint_of(platform_id: int | None) -> LrsEndpoint | None:
    """The LRS configured for exactly this platform (None: the global one)."""
    return db.session.scalars(
        select(LrsEndpoint).where(
            LrsEndpoint.platform_id.is_(None)
            if platform_id is None
            else LrsEndpoint.platform_id == platform_id
        )
    ).first()


def configure(
    platform_id: int | None,
    url: str,
    username: str,
    password: str | None,
    *,
    send_email: bool | None = None,
) -> LrsEndpoint:
    """Create or change the LRS of a platform (or the global one); flush only."""
    if platform_id is not None and db.session.get(Platform, platform_id) is None:
        raise LrsError(f"no platform with id {platform_id}")
    url = check_url(url)
    if not (username or "").strip():
        raise LrsError("the LRS username is required")
    found = endpoint_of(platform_id)
    if found is None:
        if not password:
            raise LrsError("the LRS password is required (read from standard input)")
        found = LrsEndpoint(platform_id=platform_id, send_email=False, active=True)
        db.session.add(found)
    found.url, found.username = url, username.strip()
    if password:
        found.password_encrypted = encrypt_secret(password)
    if send_email is not None:
        found.send_email = send_email
    db.session.flush()
    return found


def set_active(endpoint: LrsEndpoint, active: bool) -> None:
    """Pause (statements wait, none is lost) or resume sending to an LRS."""
    endpoint.active = active


def remove(endpoint: LrsEndpoint) -> None:
    """Forget an LRS; its statements stay recorded (replay sends them to the next one)."""
    db.session.delete(endpoint)


def listing() -> list[tuple[LrsEndpoint, str | None]]:
    """Every configured LRS with its platform's name (None: global)."""
    rows = db.session.execute(
        select(LrsEndpoint, Platform.name)
        .join(Platform, Platform.id == LrsEndpoint.platform_id, isouter=True)
        .order_by(LrsEndpoint.platform_id.is_not(None), LrsEndpoint.platform_id)
    ).all()
    return [(e, name) for e, name in rows]
