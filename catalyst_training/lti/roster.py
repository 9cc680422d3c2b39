"""Roster sync over LTI NRPS: pull every page of a context's members into users and memberships."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..auth import roles as app_roles
from ..auth.models import Context, Membership, User
from ..core import outbound
from ..extensions import db
from ..mentoring.placement import place_from_launch
from . import oauth
from .models import Platform
from .paging import get_pages
from .roles import map_roles

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
TIMEOUT = 20
MAX_PAGES = 1000
MAX_PAGE_BYTES = 8 * 2**20


UNREACHABLE, REFUSED, INVALID, SETUP = "unreachable", "refused", "invalid", "setup"
_ANSWERED = re.compile(r"\b(answered|HTTP) \d{3}\b")


class RosterError(RuntimeError):
    """The platform refused or answered something unusable; `kind` says which (for the page)."""

    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self._kind = kind

    @property
    def kind(self) -> str:
        """unreachable (no answer), refused (an HTTP error), invalid (unusable) or setup."""
        if self._kind:
            return self._kind
        cause = self.__cause__
        while cause is not None:
            if isinstance(cause, outbound.OutboundError):
                return UNREACHABLE
            cause = cause.__cause__
        return REFUSED if _ANSWERED.search(str(self)) else INVALID


@dataclass
class RosterReport:
    """What a sync changed."""

    members: int = 0
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    pages: int = 0


def access_token(platform: Platform, scopes: list[str], timeout: float = TIMEOUT) -> str:
    """The platform's shared bearer token for `scopes` (see lti.oauth)."""
    client = oauth.Client(
        platform.id, platform.client_id, platform.auth_token_url, platform.audience
    )
    try:
        return oauth.access_token(client, tuple(scopes), timeout=timeout)
    except oauth.TokenError as exc:
        raise RosterError(str(exc)) from exc


def fetch_pages(url: str, token: str) -> Iterator[list[dict[str, Any]]]:
    """Every page of members, following Link rel=next."""
    return get_pages(
        url,
        token,
        media_type=MEDIA_TYPE,
        key="members",
        what="memberships",
        error=RosterError,
        timeout=TIMEOUT,
        max_pages=MAX_PAGES,
        max_bytes=MAX_PAGE_BYTES,
    )


def _custom(member: dict[str, Any]) -> dict[str, Any]:
    for message in member.get("message") or []:
        if isinstance(message, dict) and isinstance(message.get(CUSTOM), dict):
            return message[CUSTOM]
    return {}


def apply_members(
    platform: Platform, context: Context, members: list[dict[str, Any]], now: datetime
) -> RosterReport:
    """Create or update users and memberships; absent or inactive members become inactive."""
    report = RosterReport(members=len(members))
    users = {
        u.sub: u
        for u in db.session.scalars(
            select(User).where(User.platform_id == platform.id, User.sub.is_not(None))
        )
    }
    existing = {
        m.user_id: m
        for m in db.session.scalars(select(Membership).filter_by(context_id=context.id))
    }
    active_ids: set[int] = set()
    for member in members:
        sub = str(member.get("user_id") or "")
        role = map_roles(
            [r for r in member.get("roles") or [] if isinstance(r, str)], platform.role_map
        )
        if not sub or role is None:
            continue
        user = users.get(sub)
        if user is None:
            user = users[sub] = User(platform_id=platform.id, sub=sub)
            db.session.add(user)
        for name in ("name", "given_name", "family_name", "email"):
            if member.get(name):
                setattr(user, name, member[name])
        db.session.flush()
        active = (member.get("status") or "Active") == "Active"
        ms = existing.get(user.id)
        if ms is None:
            ms = existing[user.id] = Membership(
                user_id=user.id,
                context_id=context.id,
                role=role,
                lti_roles=list(member.get("roles") or []),
            )
            db.session.add(ms)
            report.created += 1
        else:
            report.updated += 1
        ms.active = active
        if active:
            active_ids.add(user.id)
            if role == app_roles.LEARNER and _custom(member):
                db.session.flush()
                place_from_launch(user.id, context.id, role, _custom(member), now)
    for user_id, ms in existing.items():
        if user_id not in active_ids and ms.active:
            ms.active = False
            report.deactivated += 1
        elif user_id not in active_ids:
            ms.active = False
    db.session.flush()
    return report


def sync_roster(
    context: Context,
    now: datetime,
    fetch: Callable[[str, str], Iterator[list[dict[str, Any]]]] = fetch_pages,
    progress: Callable[[int, int], None] | None = None,
) -> RosterReport:
    """Pull the context's members over NRPS (all pages) and apply them (flush only).

    `progress(pages, members)` is called after each page (the worker records it).
    """
    if not context.memberships_url:
        raise RosterError("no NRPS memberships URL: launch from this course first", SETUP)
    platform = db.session.get(Platform, context.platform_id)
    if platform is None or not platform.active:
        raise RosterError("the course run's platform is no longer registered or active", SETUP)
    token = access_token(platform, [NRPS_SCOPE])
    members: list[dict[str, Any]] = []
    pages = 0
    for page in fetch(context.memberships_url, token):
        members.extend(page)
        pages += 1
        if progress is not None:
            progress(pages, len(members))
    report = apply_members(platform, context, members, now)
    report.pages = pages
    return report
