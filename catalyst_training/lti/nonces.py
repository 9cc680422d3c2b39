"""Single-use nonces and the shared cache (Redis when configured, else DB / filesystem)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from ..core.clock import clock_of
from ..extensions import db
from .models import UsedNonce


def _redis():
    return current_app.extensions.get("catalyst_redis")


def consume_nonce(
    issuer: str, nonce: str, expires_at: datetime, now: datetime | None = None
) -> bool:
    """Atomically mark a nonce used; False when it was used before (a replay)."""
    client = _redis()
    if client is not None:
        now = now or clock_of().now()
        ttl = max(int((expires_at - now).total_seconds()) + 3600, 60)
        return bool(client.set(f"catalyst:nonce:{issuer}:{nonce}", "1", nx=True, ex=ttl))
    try:
        with db.session.begin_nested():
            db.session.add(UsedNonce(issuer=issuer, nonce=nonce, expires_at=expires_at))
    except IntegrityError:
        return False
    return True


def purge_expired_nonces(now: datetime | None = None) -> int:
    """Delete consumed nonces past their expiry (their tokens can no longer be replayed)."""
    now = now or clock_of().now()
    result = db.session.execute(delete(UsedNonce).where(UsedNonce.expires_at < now))
    return result.rowcount or 0
