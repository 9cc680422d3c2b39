"""What the LTI layer stores about a person (LTI 1.1 outcomes and ids), and platform lookup."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import delete, func, select

from ..auth import personal_data
from ..auth.models import User
from ..auth.personal_data import Subjects, as_record
from ..extensions import db
from . import registry
from .lti11.models import Lti11Alias, Lti11Outcome


def init_app(app: Flask) -> None:
    """Register the LTI export and erasure, and the platform lookup of the `users` commands."""
    personal_data.register(app, "lti", export_person, erase_people, count_people)
    personal_data.set_platform_resolver(app, resolve_platform)


def resolve_platform(ref: str, client_id: str | None) -> int:
    """A platform id from its id, name or issuer (LookupError naming the problem)."""
    try:
        return registry.get_platform(ref, client_id).id
    except registry.RegistryError as exc:
        raise LookupError(str(exc)) from exc


def _aliases(user_ids: list[int]):
    # target_id has no foreign key (it points at users, contexts or links by kind).
    return (Lti11Alias.kind == "user") & Lti11Alias.target_id.in_(user_ids)


def export_person(user: User) -> dict[str, Any]:
    """Where their LTI 1.1 results go, and their former LTI 1.1 user ids (migration aliases)."""
    rows = db.session.scalars(
        select(Lti11Outcome).where(Lti11Outcome.user_id == user.id).order_by(Lti11Outcome.id)
    )
    aliases = db.session.scalars(select(Lti11Alias).where(_aliases([user.id])))
    return {
        "lti11_outcomes": [as_record(row) for row in rows],
        "lti11_user_ids": [as_record(row) for row in aliases],
    }


def erase_people(subjects: Subjects) -> None:
    """Delete the people's LTI 1.1 outcome targets and former 1.1 user ids."""
    for kind, statement in (
        (
            "lti.lti11_outcomes",
            delete(Lti11Outcome).where(Lti11Outcome.user_id.in_(subjects.user_ids)),
        ),
        ("lti.lti11_user_ids", delete(Lti11Alias).where(_aliases(subjects.user_ids))),
    ):
        result = db.session.execute(statement.execution_options(synchronize_session=False))
        subjects.add(kind, result.rowcount)


def count_people(user_ids: list[int]) -> dict[str, int]:
    """LTI 1.1 outcome targets held about these people."""
    return {
        "LTI 1.1 outcome targets": db.session.scalar(
            select(func.count()).select_from(Lti11Outcome).where(Lti11Outcome.user_id.in_(user_ids))
        )
    }
