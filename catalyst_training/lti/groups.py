"""LTI Course Groups: a learner's groups in a course, fetched at launch for cohort placement."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .models import Platform
from .paging import get_pages
from .roster import access_token

GROUPS_CLAIM = "https://purl.imsglobal.org/spec/lti-gs/claim/groupsservice"
GROUPS_SCOPE = "https://purl.imsglobal.org/spec/lti-gs/scope/contextgroup.readonly"
MEDIA_TYPE = "application/vnd.ims.lti-gs.v1.contextgroupcontainer+json"
TIMEOUT = 5
MAX_PAGES = 20

log = logging.getLogger(__name__)


class GroupsError(RuntimeError):
    """The platform's groups service refused or answered something unusable."""


def with_user(url: str, user_sub: str) -> str:
    """The groups URL filtered on one user (`user_id=<sub>`), keeping its own query."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "user_id"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("user_id", user_sub)])))


def fetch_groups(platform: Platform, url: str, user_sub: str) -> list[dict[str, Any]]:
    """Every page of a user's groups (Link rel=next); GroupsError or requests errors on failure."""
    # A launch waits for this: give up quickly and fall through to the next placement step.
    token = access_token(platform, [GROUPS_SCOPE], timeout=5)
    pages = get_pages(
        with_user(url, user_sub),
        token,
        media_type=MEDIA_TYPE,
        key="groups",
        what="groups",
        error=GroupsError,
        timeout=TIMEOUT,
        max_pages=MAX_PAGES,
    )
    return [g for page in pages for g in page if isinstance(g, dict)]


def groups_fetcher(
    platform: Platform, claims: dict[str, Any]
) -> Callable[[], list[dict[str, Any]]] | None:
    """A lazy, never-raising fetch of the user's groups if the launch offers them, else None."""
    claim = claims.get(GROUPS_CLAIM)
    if not isinstance(claim, dict) or not isinstance(claim.get("context_groups_url"), str):
        return None
    scopes = claim.get("scope")
    if isinstance(scopes, list) and GROUPS_SCOPE not in scopes:
        return None
    url, sub = claim["context_groups_url"], str(claims.get("sub") or "")
    if not url or not sub:
        return None

    def fetch() -> list[dict[str, Any]]:
        try:
            return fetch_groups(platform, url, sub)
        except Exception as exc:  # a launch must never fail because of the groups service
            log.warning("course groups unavailable for %s at %s: %s", sub, url, exc)
            return []

    return fetch
