"""AGS client: shared access tokens, programmatic line items and score POSTs."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ...core import outbound
from ...extensions import cache
from ...lti import oauth
from ..outbox import Job
from .base import THROTTLED, DeliveryError, retry_after, timeout

AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
SCORE_SCOPE, LINEITEM_SCOPE = AGS + "score", AGS + "lineitem"
LINEITEM_READ_SCOPE, RESULT_READ_SCOPE = AGS + "lineitem.readonly", AGS + "result.readonly"
AGS_SCOPES = {SCORE_SCOPE, LINEITEM_SCOPE, LINEITEM_READ_SCOPE, RESULT_READ_SCOPE}
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
CONTAINER_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
LINEITEM_TAG = "catalyst-module"
PERMANENT = {400, 403, 404, 422}

_lineitem_lock = threading.Lock()


def scores_url(lineitem: str) -> str:
    """The line item's score endpoint: `/scores` appended to the path, before any query."""
    parts = urlsplit(lineitem)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def iso_timestamp(value: datetime) -> str:
    """ISO 8601 UTC with milliseconds, e.g. 2026-01-02T03:04:05.678Z."""
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def score_body(job: Job) -> dict[str, Any]:
    """The AGS Score JSON of a delivery."""
    body: dict[str, Any] = {
        "userId": job.user_sub,
        "activityProgress": job.score["activity_progress"],
        "gradingProgress": job.score["grading_progress"],
        "timestamp": iso_timestamp(job.timestamp),
    }
    if job.score["score_given"] is not None:
        body["scoreGiven"] = job.score["score_given"]
        body["scoreMaximum"] = job.score["score_maximum"] or 100.0
    if job.score.get("comment"):
        body["comment"] = job.score["comment"]
    return body


def token_scopes(job: Job) -> tuple[str, ...]:
    """The AGS scopes the launch granted: one token per (platform, client id, scope set)."""
    return tuple(sorted(set(job.scopes) & AGS_SCOPES))


def access_token(job: Job, failed: str | None = None) -> str:
    """The shared bearer token of this job's platform and scopes (see lti.oauth)."""
    client = oauth.Client(job.platform_id, job.client_id, job.token_url, job.audience)
    try:
        return oauth.access_token(client, token_scopes(job), timeout=timeout()[1], failed=failed)
    except oauth.TokenError as exc:
        if exc.response is not None:
            raise _error(
                "token endpoint refused the request", exc.response, permanent_codes=oauth.REFUSED
            ) from exc
        raise DeliveryError(str(exc), permanent=exc.permanent) from exc


def _error(what: str, resp: outbound.Answer, permanent_codes=PERMANENT) -> DeliveryError:
    return DeliveryError(
        f"{what}: HTTP {resp.status_code}",
        permanent=resp.status_code in permanent_codes,
        status=resp.status_code,
        body=outbound.shown(resp.text),
        retry_after=retry_after(resp) if resp.status_code in THROTTLED else None,
    )


def call(job: Job, method: str, url: str, **kwargs: Any) -> outbound.Answer:
    """An authorised AGS request; on a 401 the token is refreshed once and the call retried."""
    token = access_token(job)
    headers = dict(kwargs.pop("headers", {}))
    for attempt in range(2):
        headers["Authorization"] = f"Bearer {token}"
        try:
            resp = outbound.request(method, url, headers=headers, timeout=timeout(), **kwargs)
        except outbound.OutboundError as exc:
            raise DeliveryError(f"platform unreachable: {exc}") from exc
        if resp.status_code != 401 or attempt:
            return resp
        token = access_token(job, failed=token)
    return resp  # pragma: no cover


def _lineitem_cache_key(job: Job) -> str:
    raw = f"{job.platform_id}|{job.lineitems_url}|{job.module_slug}"
    return "ags-lineitem:" + hashlib.sha256(raw.encode()).hexdigest()


def resolve_lineitem(job: Job) -> str:
    """The programmatic line item of a module: found by resourceId and tag, else created."""
    key = _lineitem_cache_key(job)
    found = cache.get(key)
    if found:
        return found
    granted = set(job.scopes)
    if not granted & {LINEITEM_SCOPE, LINEITEM_READ_SCOPE}:
        raise DeliveryError(
            "configuration: the platform granted no line item scope (lineitem) to this link, "
            "and the launch came without a line item: the score has nowhere to go",
            permanent=True,
        )
    with _lineitem_lock:
        url = cache.get(key) or _find_lineitem(job) or _create_lineitem(job, granted)
    cache.set(key, url, timeout=86400)
    return url


def _lineitems_url(job: Job) -> str:
    """The launch's line items container, without which no line item can be found or made."""
    if not job.lineitems_url:
        raise DeliveryError(
            "configuration: the launch came without a line items URL (lineitems)", permanent=True
        )
    return job.lineitems_url


def _find_lineitem(job: Job) -> str | None:
    resp = call(job, "GET", _lineitems_url(job), headers={"Accept": CONTAINER_TYPE},
                params={"resource_id": job.module_slug, "tag": LINEITEM_TAG})  # fmt: skip
    if resp.status_code != 200:
        raise _error("line items query failed", resp)
    items = resp.json()
    items = items.get("content", []) if isinstance(items, dict) else items
    for item in items:
        if item.get("resourceId") == job.module_slug and item.get("tag") == LINEITEM_TAG:
            return item["id"]
    return None


def _create_lineitem(job: Job, granted: set[str]) -> str:
    if LINEITEM_SCOPE not in granted:
        raise DeliveryError(
            "configuration: no line item for this module and the platform did not grant the "
            "lineitem scope needed to create it",
            permanent=True,
        )
    from ...learning.modules import current_module

    module, _version = current_module(job.module_slug)
    body = {"scoreMaximum": 100, "label": module.title if module else job.module_slug,
            "resourceId": job.module_slug, "tag": LINEITEM_TAG,
            "resourceLinkId": job.resource_link_id}  # fmt: skip
    resp = call(job, "POST", _lineitems_url(job), json=body,
                headers={"Content-Type": LINEITEM_TYPE, "Accept": LINEITEM_TYPE})  # fmt: skip
    if resp.status_code not in (200, 201):
        raise _error("line item creation failed", resp)
    return resp.json()["id"]


def deliver(job: Job) -> tuple[int, str]:
    """POST the job's score; return (HTTP status, line item URL) or raise DeliveryError."""
    if SCORE_SCOPE not in job.scopes:
        raise DeliveryError(
            "configuration: the platform did not grant the score scope "
            f"({SCORE_SCOPE}) to this link; enable grade passback (AGS) for the tool",
            permanent=True,
        )
    lineitem = job.lineitem_url or resolve_lineitem(job)
    resp = call(job, "POST", scores_url(lineitem), json=score_body(job),
                headers={"Content-Type": SCORE_TYPE})  # fmt: skip
    if 200 <= resp.status_code < 300:
        return resp.status_code, lineitem
    if resp.status_code == 404 and job.lineitem_url is None:
        cache.delete(_lineitem_cache_key(job))  # the programmatic line item was deleted
    raise _error("score refused", resp)
