"""Personal data by domain: each domain registers how it exports and erases what it stores.

Domains register in their init_app (layer order). Export asks them in that order; erasure asks
them in reverse layer order (the higher layers first, so nothing points at rows already gone),
then removes the memberships and the user rows themselves. Services flush only: the caller
commits once, then deletes the files collected in `Subjects.files`.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, func, select
from sqlalchemy import inspect as sa_inspect

from ..extensions import db
from .models import Context, Membership, User

log = logging.getLogger(__name__)
FORMAT = "catalyst-training/personal-data/v1"
ERASED = "erased"
CHUNK = 500  # user ids per IN (...) list
_KEY = "catalyst_personal_data"


@dataclass
class Subjects:
    """The people being erased, and what erasing them leaves to report or to do after commit."""

    user_ids: list[int]
    # Strings that identify them, scrubbed from the free text that stays (audit reasons...).
    identifiers: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # given / family names alone (weaker)
    files: list[Path] = field(default_factory=list)  # deleted once the transaction committed
    counts: dict[str, int] = field(default_factory=dict)  # rows removed or anonymised, by kind
    kept: dict[str, Any] = field(default_factory=dict)  # anonymous aggregates that survive

    def add(self, kind: str, number: int | None) -> None:
        """Count rows removed or anonymised."""
        if number:
            self.counts[kind] = self.counts.get(kind, 0) + number


@dataclass(frozen=True)
class Handler:
    """One domain's export, erase and (optional) count functions."""

    domain: str
    export: Callable[[User], dict[str, Any]]
    erase: Callable[[Subjects], None]
    count: Callable[[list[int]], dict[str, int]] | None = None


def _hooks(app: Flask | None = None) -> dict[str, Any]:
    target = app or current_app
    return target.extensions.setdefault(_KEY, {"handlers": [], "audit": None, "platform": None})


def register(
    app: Flask,
    domain: str,
    export_fn: Callable[[User], dict[str, Any]],
    erase_fn: Callable[[Subjects], None],
    count_fn: Callable[[list[int]], dict[str, int]] | None = None,
) -> None:
    """Add a domain's handlers (called from its init_app, in layer order)."""
    _hooks(app)["handlers"].append(Handler(domain, export_fn, erase_fn, count_fn))


def set_audit(app: Flask, record_fn: Callable[..., Any]) -> None:
    """Let the audit log's owner record lifecycle actions: fn(action, target, now, details)."""
    _hooks(app)["audit"] = record_fn


def set_platform_resolver(app: Flask, resolve_fn: Callable[[str, str | None], int]) -> None:
    """Let the registry's owner turn an id, name or issuer into a platform id (LookupError)."""
    _hooks(app)["platform"] = resolve_fn


def handlers() -> list[Handler]:
    """Registered handlers, in layer order."""
    return list(_hooks()["handlers"])


def resolve_platform(ref: str, client_id: str | None = None) -> int:
    """The platform id of an id, name or issuer; LookupError with a message when unknown."""
    resolve = _hooks()["platform"]
    if resolve is not None:
        return resolve(ref, client_id)
    if ref.isdigit():
        return int(ref)
    raise LookupError(f"unknown platform: {ref}")


def record(action: str, target: str, now: datetime, details: dict[str, Any]) -> None:
    """Append a lifecycle action to the audit log (flush only); refuses to act unaudited."""
    recorder = _hooks()["audit"]
    if recorder is None:
        raise RuntimeError("no audit log registered: refusing to act unaudited")
    recorder(action, target, now, details)


def find_user(platform_id: int, sub: str) -> User | None:
    """The person known by a platform as `sub`."""
    return db.session.scalar(select(User).where(User.platform_id == platform_id, User.sub == sub))


def people_of_platform(platform_id: int) -> list[int]:
    """Ids of every user a platform launched or listed."""
    return list(db.session.scalars(select(User.id).where(User.platform_id == platform_id)))


def subject_ref(platform_id: int | None, sub: str | None) -> str:
    """A keyed hash naming an erased person in the audit log (never the sub itself)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"{platform_id}:{sub}".encode(), hashlib.sha256).hexdigest()
    return f"hmac-sha256:{digest[:32]}"


def operator(by: str | None) -> dict[str, str]:
    """Who runs a console command: `--by` when given, else the OS login (sudo's caller first)."""
    try:
        os_user = os.environ.get("SUDO_USER") or getpass.getuser()
    except (OSError, KeyError):
        os_user = "unknown"
    return {"by": (by or "").strip() or os_user, "os_user": os_user, "via": "cli"}


def count(user_ids: list[int]) -> dict[str, int]:
    """What the domains hold about these people, by kind (for a refusal message)."""
    totals: dict[str, int] = {"people": len(user_ids)} if user_ids else {}
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        for handler in handlers():
            for kind, number in (handler.count(chunk) if handler.count else {}).items():
                if number:
                    totals[kind] = totals.get(kind, 0) + number
    return totals


def subjects_for(user_ids: list[int]) -> Subjects:
    """The Subjects of these users, with the strings that identify them."""
    found = Subjects(user_ids=list(user_ids))
    rows = db.session.execute(
        select(User.sub, User.name, User.given_name, User.family_name, User.email).where(
            User.id.in_(found.user_ids)
        )
    )
    strong: set[str] = set()
    weak: set[str] = set()
    for sub, name, given, family, email in rows:
        full = " ".join(p for p in (given, family) if p)
        strong.update(v.strip() for v in (sub, name, email, full) if v and len(v.strip()) >= 4)
        weak.update(v.strip() for v in (given, family) if v and len(v.strip()) >= 2)
    found.identifiers = sorted(strong, key=len, reverse=True)
    found.names = sorted(weak - strong, key=len, reverse=True)
    return found


def erase(user_ids: list[int]) -> Subjects:
    """Erase these people everywhere (flush only); returns what was done and files to delete."""
    total = Subjects(user_ids=list(user_ids))
    for start in range(0, len(user_ids), CHUNK):
        part = subjects_for(user_ids[start : start + CHUNK])
        for handler in reversed(handlers()):
            handler.erase(part)
        ids = part.user_ids
        part.add("auth.memberships", _rows(delete(Membership).where(Membership.user_id.in_(ids))))
        part.add("auth.users", _rows(delete(User).where(User.id.in_(ids))))
        total.files.extend(part.files)
        for kind, number in part.counts.items():
            total.add(kind, number)
        _merge(total.kept, part.kept)
    db.session.flush()
    db.session.expire_all()
    return total


def _rows(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    for key, value in more.items():
        if isinstance(value, dict):
            _merge(into.setdefault(key, {}), value)
        else:
            into[key] = into.get(key, 0) + value


def export(user: User) -> dict[str, Any]:
    """Everything stored about a person, as JSON-ready data (domains in layer order)."""
    memberships = db.session.execute(
        select(Membership, Context)
        .join(Context, Context.id == Membership.context_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.id)
    )
    data: dict[str, Any] = {
        "format": FORMAT,
        "person": as_record(user, skip=("password_hash",)),
        "auth": {
            "memberships": [
                {
                    **as_record(m),
                    "course_run": {"context_id": c.context_id, "title": c.title, "label": c.label},
                }
                for m, c in memberships
            ]
        },
    }
    for handler in handlers():
        data[handler.domain] = handler.export(user)
    return data


def as_record(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A model row's columns as JSON-ready values."""
    mapper = sa_inspect(obj).mapper
    return {
        attr.key: plain(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in skip
    }


def plain(value: Any) -> Any:
    """Dates as ISO strings; everything else as is."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def delete_files(paths: list[Path]) -> list[str]:
    """Delete files after the commit; returns the ones that could not be deleted."""
    failed = []
    for path in dict.fromkeys(paths):
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not delete %s: %s", path, exc)
            failed.append(str(path))
    return failed


def users_count(platform_id: int) -> int:
    """How many users a platform has."""
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.platform_id == platform_id)
    )
