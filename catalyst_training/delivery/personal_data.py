"""What the outbox stores about a person: grade deliveries and xAPI statements about them."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import delete, func, select

from ..auth import personal_data
from ..auth.models import User
from ..auth.personal_data import Subjects, as_record
from ..extensions import db
from .models import GradeDelivery
from .xapi.models import XapiStatement

# Worker bookkeeping, not data about the person.
SKIP = ("claimed_by", "claimed_until")


def init_app(app: Flask) -> None:
    """Register the outbox's export and erasure with the personal-data registry."""
    personal_data.register(app, "delivery", export_person, erase_people, count_people)


def export_person(user: User) -> dict[str, Any]:
    """Every grade delivery of the person's scores, with its state and the platform's answer."""
    rows = db.session.scalars(
        select(GradeDelivery).where(GradeDelivery.user_id == user.id).order_by(GradeDelivery.id)
    )
    statements = db.session.scalars(
        select(XapiStatement).where(XapiStatement.user_id == user.id).order_by(XapiStatement.id)
    )
    return {
        "grade_deliveries": [as_record(row, skip=SKIP) for row in rows],
        "xapi_statements": [as_record(row, skip=SKIP) for row in statements],
    }


def erase_people(subjects: Subjects) -> None:
    """Delete the people's grade deliveries, whatever their state (pending ones are not sent)."""
    result = db.session.execute(
        delete(GradeDelivery)
        .where(GradeDelivery.user_id.in_(subjects.user_ids))
        .execution_options(synchronize_session=False)
    )
    subjects.add("delivery.grade_deliveries", result.rowcount)
    # Statements not sent yet are dropped with the person; those an LRS holds are the LRS's to
    # erase (the export lists their ids for that request).
    result = db.session.execute(
        delete(XapiStatement)
        .where(XapiStatement.user_id.in_(subjects.user_ids))
        .execution_options(synchronize_session=False)
    )
    subjects.add("delivery.xapi_statements", result.rowcount)


def count_people(user_ids: list[int]) -> dict[str, int]:
    """Grade deliveries held about these people."""
    return {
        "grade deliveries": db.session.scalar(
            select(func.count())
            .select_from(GradeDelivery)
            .where(GradeDelivery.user_id.in_(user_ids))
        ),
        "xAPI statements": db.session.scalar(
            select(func.count())
            .select_from(XapiStatement)
            .where(XapiStatement.user_id.in_(user_ids))
        ),
    }
