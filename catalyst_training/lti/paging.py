"""Paged GETs of an LTI service (NRPS members, course groups): bearer token, Link rel=next."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..core import outbound

# rel="next" or rel=next, in any position of a Link header with several links.
_NEXT = re.compile(r'<([^>]+)>\s*;[^,]*?\brel\s*=\s*"?next"?', re.IGNORECASE)


def next_link(header: str | None) -> str | None:
    """The rel=next URL of a Link header, exactly as sent (never lowercased), or None."""
    match = _NEXT.search(header or "")
    return match.group(1).strip() if match else None


def get_pages(
    url: str,
    token: str,
    *,
    media_type: str,
    key: str,
    what: str,
    error: type[Exception],
    timeout: float,
    max_pages: int,
    max_bytes: int | None = None,
) -> Iterator[list[Any]]:
    """The `key` list of every page from `url` on, following Link rel=next; `error` on failure.

    `what` names the service in the error messages ("memberships answered 500"). A page already
    seen ends the walk, and so does `max_pages`.
    """
    seen: set[str] = set()
    while url and len(seen) < max_pages:
        seen.add(url)
        try:
            resp = outbound.request(
                "GET",
                url,
                headers={"Authorization": f"Bearer {token}", "Accept": media_type},
                timeout=timeout,
                max_bytes=max_bytes,
            )
        except outbound.OutboundError as exc:
            raise error(str(exc)) from exc
        if resp.status_code != 200:
            raise error(f"{what} answered {resp.status_code}")
        try:
            body = resp.json()
        except ValueError as exc:
            raise error(f"{what} answer is not JSON") from exc
        page = body.get(key) if isinstance(body, dict) else None
        if not isinstance(page, list):
            raise error(f"{what} answer has no {key} list")
        yield page
        following = next_link(resp.headers.get("Link"))
        url = following if following and following not in seen else ""
