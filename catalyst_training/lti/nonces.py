"""Single-use nonces and the shared cache (Redis when configured, else DB / filesystem)."""

from __future__ import annotations

import logging
import os
import struct
from datetime import datetime

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from ..core.clock import clock_of
from ..extensions import db
from .models import UsedNonce

log = logging.getLogger(__name__)


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


def purge_expired_cache(now: datetime | None = None) -> int:
    """Delete the filesystem cache's expired entries (launch data, login states, tokens).

    Without Redis the cache is a folder whose entries are only dropped when read again: the
    id_token claims of a launch would stay on disk. Redis expires its keys itself (0 here).
    """
    if current_app.config.get("CACHE_TYPE") != "FileSystemCache":
        return 0
    folder = current_app.config.get("CACHE_DIR")
    if not folder or not os.path.isdir(folder):
        return 0
    limit = (now or clock_of().now()).timestamp()
    removed = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".__wz_cache") or not entry.is_file():
                continue  # an entry being written
            try:
                with open(entry.path, "rb") as fh:
                    (expires,) = struct.unpack("I", fh.read(4))
                if expires and expires < limit:
                    os.remove(entry.path)
                    removed += 1
            except FileNotFoundError:
                continue
            except (OSError, struct.error):
                log.warning("unreadable cache entry %s left in place", entry.name)
    return removed
