"""What notifications store about a person: choices, the address they gave, events, messages."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import delete, func, or_, select

from ..auth import personal_data
from ..auth.models import User
from ..auth.personal_data import Subjects, as_record
from ..extensions import db
from .models import (
    NotificationAddress,
    NotificationEvent,
    NotificationLanguage,
    NotificationMessage,
    NotificationPreference,
)

SKIP = ("claimed_by", "claimed_until")  # worker bookkeeping, not data about the person


def init_app(app: Flask) -> None:
    """Register the export and erasure of notification data."""
    personal_data.register(app, "notifications", export_person, erase_people, count_people)


def export_person(user: User) -> dict[str, Any]:
    """The person's own choices, address, events and messages (the person's own export)."""

    def rows(model, column):
        return [as_record(r, skip=SKIP) for r in db.session.scalars(
            select(model).where(column == user.id).order_by(model.id))]  # fmt: skip

    return {
        "notification_preferences": rows(NotificationPreference, NotificationPreference.user_id),
        "notification_languages": [
            as_record(r)
            for r in db.session.scalars(
                select(NotificationLanguage).where(NotificationLanguage.user_id == user.id)
            )
        ],
        "notification_addresses": rows(NotificationAddress, NotificationAddress.user_id),
        "notification_events": rows(NotificationEvent, NotificationEvent.recipient_id),
        "notification_messages": rows(NotificationMessage, NotificationMessage.user_id),
    }


def erase_people(subjects: Subjects) -> None:
    """Delete everything kept about the people: as recipients, and as the learner of an event."""
    ids = subjects.user_ids
    for kind, stmt in (
        ("notifications.events", delete(NotificationEvent).where(or_(
            NotificationEvent.recipient_id.in_(ids), NotificationEvent.learner_id.in_(ids)))),
        ("notifications.messages", delete(NotificationMessage).where(
            NotificationMessage.user_id.in_(ids))),
        ("notifications.addresses", delete(NotificationAddress).where(
            NotificationAddress.user_id.in_(ids))),
        ("notifications.preferences", delete(NotificationPreference).where(
            NotificationPreference.user_id.in_(ids))),
        ("notifications.languages", delete(NotificationLanguage).where(
            NotificationLanguage.user_id.in_(ids))),
    ):  # fmt: skip
        result = db.session.execute(stmt.execution_options(synchronize_session=False))
        subjects.add(kind, result.rowcount)


def count_people(user_ids: list[int]) -> dict[str, int]:
    """Notification rows held about these people."""

    def count(model, column) -> int:
        return int(db.session.scalar(
            select(func.count()).select_from(model).where(column.in_(user_ids))) or 0)  # fmt: skip

    return {
        "notification events": count(NotificationEvent, NotificationEvent.recipient_id),
        "notification messages": count(NotificationMessage, NotificationMessage.user_id),
        "notification addresses": count(NotificationAddress, NotificationAddress.user_id),
    }
