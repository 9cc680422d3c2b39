"""AGS client: shared access tokens, programmatic line items and score POSTs."""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import jwt
import requests
from flask import current_app

from ..extensions import cache
from . import keys
from .http import http_session
from .outbox import Job

AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
SCORE_SCOPE, LINEITEM_SCOPE = AGS + "score", AGS + "lineitem"
LINEITEM_READ_SCOPE, RESULT_READ_SCOPE = AGS + "lineitem.readonly", AGS + "result.readonly"
AGS_SCOPES = {SCORE_SCOPE, LINEITEM_SCOPE, LINEITEM_READ_SCOPE, RESULT_READ_SCOPE}
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
CONTAINER_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LINEITEM_TAG = "catalyst-module"
PERMANENT = {400, 403, 404, 422}
THROTTLED = {429, 503}

_tokens: dict[str, tuple[str, float]] = {}  # process-local copy of the shared cache
_token_lock = threading.Lock()
_lineitem_lock = threading.Lock()


class DeliveryError(Exception):
    """A failed AGS call: permanent ones dead-letter, the others are retried."""

    def __init__(self, message: str, *, permanent: bool = False, status: int | None = None,
                 body: str | None = None, retry_after: float | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.permanent, self.status, self.body, self.retry_after = (
            permanent, status, body, retry_after
        )  # fmt: skip


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


def retry_after(response: requests.Response) -> float | None:
    """Seconds asked by a Retry-After header (delta-seconds or HTTP date), if any."""
    raw = (response.headers.get("Retry-After") or "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _timeout() -> tuple[float, float]:
    return (5.0, float(current_app.config.get("AGS_TIMEOUT", 20)))


def _token_key(job: Job, scopes: tuple[str, ...]) -> str:
    raw = "|".join((str(job.platform_id), job.client_id, " ".join(scopes)))
    return "ags-token:" + hashlib.sha256(raw.encode()).hexdigest()


def token_scopes(job: Job) -> tuple[str, ...]:
    """The AGS scopes the launch granted: one token per (platform, client id, scope set)."""
    return tuple(sorted(set(job.scopes) & AGS_SCOPES))


def access_token(job: Job, failed: str | None = None) -> str:
    """A bearer token from the shared cache, fetched when absent, expired or `failed`."""
    scopes = token_scopes(job)
    key = _token_key(job, scopes)
    with _token_lock:
        local = _tokens.get(key)
        if local and local[1] > time.time() and local[0] != failed:
            return local[0]
        shared = cache.get(key)
        if shared and shared[1] > time.time() and shared[0] != failed:
            _tokens[key] = shared
            return shared[0]
        token, lifetime = _request_token(job, scopes)
        margin = min(60.0, lifetime / 10)
        entry = (token, time.time() + lifetime - margin)
        cache.set(key, entry, timeout=max(1, int(lifetime - margin)))
        _tokens[key] = entry
        return token


def _request_token(job: Job, scopes: tuple[str, ...]) -> tuple[str, float]:
    if not job.token_url:
        raise DeliveryError("the platform has no token URL (auth_token_url)", permanent=True)
    key = keys.signing_key()
    if key is None:
        raise DeliveryError("the tool has no signing key: run `catalyst-training keys rotate`")
    now = int(time.time())
    assertion = jwt.encode(
        {"iss": job.client_id, "sub": job.client_id, "aud": job.audience or job.token_url,
         "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())},
        key.private_pem, algorithm="RS256", headers={"kid": key.kid},
    )  # fmt: skip
    form = {"grant_type": "client_credentials", "client_assertion_type": JWT_BEARER,
            "client_assertion": assertion, "scope": " ".join(scopes)}  # fmt: skip
    try:
        resp = http_session().post(job.token_url, data=form, timeout=_timeout())
    except requests.RequestException as exc:
        raise DeliveryError(f"token endpoint unreachable: {exc}") from exc
    if resp.status_code != 200:
        raise _error("token endpoint refused the request", resp, permanent_codes={400, 401, 403})
    try:
        data = resp.json()
        return str(data["access_token"]), float(data.get("expires_in") or 3600)
    except (ValueError, KeyError) as exc:
        raise DeliveryError(f"token endpoint answered no access_token: {exc}") from exc


def _error(what: str, resp: requests.Response, permanent_codes=PERMANENT) -> DeliveryError:
    return DeliveryError(
        f"{what}: HTTP {resp.status_code}",
        permanent=resp.status_code in permanent_codes,
        status=resp.status_code,
        body=resp.text[:4000],
        retry_after=retry_after(resp) if resp.status_code in THROTTLED else None,
    )


def call(job: Job, method: str, url: str, **kwargs: Any) -> requests.Response:
    """An authorised AGS request; on a 401 the token is refreshed once and the call retried."""
    token = access_token(job)
    headers = dict(kwargs.pop("headers", {}))
    for attempt in range(2):
        headers["Authorization"] = f"Bearer {token}"
        try:
            resp = http_session().request(
                method, url, headers=headers, timeout=_timeout(), **kwargs
            )
        except requests.RequestException as exc:
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


def _find_lineitem(job: Job) -> str | None:
    assert job.lineitems_url
    resp = call(job, "GET", job.lineitems_url, headers={"Accept": CONTAINER_TYPE},
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
    from ..learning.modules import current_module

    module, _version = current_module(job.module_slug)
    body = {"scoreMaximum": 100, "label": module.title if module else job.module_slug,
            "resourceId": job.module_slug, "tag": LINEITEM_TAG,
            "resourceLinkId": job.resource_link_id}  # fmt: skip
    assert job.lineitems_url
    resp = call(job, "POST", job.lineitems_url, json=body,
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
