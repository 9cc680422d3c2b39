"""Retention: delivered and skipped messages, with the events they told, go after a while.

Run by the worker's hourly upkeep (registered with delivery.queues.register_upkeep). Dead
messages (refusals a coordinator must see) and messages still to send are never purged, nor
events still waiting for a message.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..delivery.models import DELIVERED
from ..extensions import db
from .models import SKIPPED, NotificationEvent, NotificationMessage

M, E = NotificationMessage, NotificationEvent


def purge(now: datetime) -> int:
    """Delete messages done (delivered, skipped) over NOTIFY_RETENTION_DAYS ago and their events."""
    days = float(current_app.config.get("NOTIFY_RETENTION_DAYS") or 0)
    if days <= 0:
        return 0  # 0 keeps everything
    # updated_at is when the outcome was recorded (skipped messages have no delivered_at).
    cutoff = now - timedelta(days=days)
    old = select(M.id).where(M.state.in_((DELIVERED, SKIPPED)), M.updated_at < cutoff)
    options = {"synchronize_session": False}
    # Events first: the foreign key would set their message to NULL, i.e. waiting to be told again.
    events = db.session.execute(
        delete(E).where(E.message_row_id.in_(old)), execution_options=options
    )
    done = db.session.execute(delete(M).where(M.id.in_(old)), execution_options=options)
    return int(events.rowcount or 0) + int(done.rowcount or 0)
