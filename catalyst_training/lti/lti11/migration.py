"""LTI 1.1 to 1.3 migration: a 1.3 launch carrying a verified `lti1p1` claim continues 1.1 records.

Moodle and Open edX put the LTI 1.1 `user_id`, `oauth_consumer_key` and a signature made with the
1.1 shared secret into their 1.3 launches (LTI 1.3 migration guide, "LTI 1.1 migration claim").
When the signature verifies with a registered 1.1 consumer's secret, the 1.1 user, course run
and resource link are re-homed to the 1.3 platform and ids (same rows: same progress, cohort,
submissions), and an alias keeps later 1.1 launches pointing at them. An unverifiable claim is
logged and ignored, never trusted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from typing import Any

from sqlalchemy import select

from ...auth.models import Context, ResourceLink, User
from ...extensions import db
from ..launch import CLAIM
from ..models import Platform
from .models import Lti11Alias, SecretError, consumer_secret

log = logging.getLogger(__name__)
MIGRATION_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/lti1p1"
# kind -> (model, the column holding the platform's id for it)
KINDS: dict[str, tuple[Any, str]] = {
    "user": (User, "sub"),
    "context": (Context, "context_id"),
    "resource_link": (ResourceLink, "resource_link_id"),
}


def signature_base(consumer_key: str, client_id: str, claims: dict[str, Any]) -> str:
    """The string the platform signs: key & deployment_id & iss & client_id & exp & nonce."""
    parts = (consumer_key, claims.get(CLAIM + "deployment_id"), claims.get("iss"), client_id,
             claims.get("exp"), claims.get("nonce"))  # fmt: skip
    return "&".join("" if part is None else str(part) for part in parts)


def sign(secret: str, base: str) -> str:
    """base64(HMAC-SHA256(base, secret)), as the migration claim's oauth_consumer_key_sign."""
    digest = hmac.new(secret.encode(), base.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verified_consumer(platform: Platform, claims: dict[str, Any]) -> Platform | None:
    """The 1.1 consumer whose secret signed this launch's migration claim, else None (logged)."""
    claim = claims.get(MIGRATION_CLAIM)
    if not isinstance(claim, dict) or platform.lti_version == "1.1":
        return None
    key, given = str(claim.get("oauth_consumer_key") or ""), claim.get("oauth_consumer_key_sign")
    consumer = db.session.scalars(
        select(Platform).where(Platform.lti_version == "1.1", Platform.client_id == key)
    ).first()
    if not key or not isinstance(given, str) or consumer is None:
        log.warning("LTI 1.1 migration claim ignored: no registered consumer key %r", key)
        return None
    try:
        secret = consumer_secret(consumer.id)
    except SecretError:
        secret = None
    expected = sign(secret, signature_base(key, platform.client_id, claims)) if secret else ""
    if not expected or not hmac.compare_digest(expected, given):
        log.warning("LTI 1.1 migration claim ignored: signature does not verify (key %r)", key)
        return None
    return consumer


def aliased(platform_id: int, kind: str, external_id: str) -> int | None:
    """The id of the record a 1.1 id now stands for (after a migration), if any."""
    return db.session.scalar(
        select(Lti11Alias.target_id).where(
            Lti11Alias.consumer_id == platform_id,
            Lti11Alias.kind == kind,
            Lti11Alias.external_id == external_id,
        )
    )


def _adopt(consumer: Platform, platform: Platform, kind: str, old_id: str, new_id: str) -> None:
    model, column = KINDS[kind]
    if not old_id or not new_id or aliased(consumer.id, kind, old_id) is not None:
        return
    old = db.session.scalars(
        select(model).filter_by(platform_id=consumer.id, **{column: old_id})
    ).first()
    if old is None:
        return
    if db.session.scalars(
        select(model).filter_by(platform_id=platform.id, **{column: new_id})
    ).first():
        log.warning("LTI 1.1 migration: %s %r exists under both versions; not merged", kind, old_id)
        return
    old.platform_id = platform.id
    setattr(old, column, new_id)
    db.session.add(
        Lti11Alias(consumer_id=consumer.id, kind=kind, external_id=old_id, target_id=old.id)
    )
    db.session.flush()
    log.info("LTI 1.1 migration: %s %s now continues under platform %s", kind, old.id, platform.id)


def adopt_migrated_records(platform: Platform, claims: dict[str, Any]) -> None:
    """Re-home the 1.1 user, course run and link a verified migration claim names (flush only)."""
    consumer = verified_consumer(platform, claims)
    if consumer is None:
        return
    claim = claims[MIGRATION_CLAIM]
    context = claims.get(CLAIM + "context") or {}
    link = claims.get(CLAIM + "resource_link") or {}
    pairs = {
        "user": (claim.get("user_id"), claims.get("sub")),
        "context": (claim.get("context_id") or context.get("id"), context.get("id")),
        "resource_link": (claim.get("resource_link_id") or link.get("id"), link.get("id")),
    }
    for kind, (old_id, new_id) in pairs.items():
        _adopt(consumer, platform, kind, str(old_id or ""), str(new_id or ""))


def where(platform: Platform, kind: str, external_id: str) -> dict[str, Any]:
    """How a launch finds its record: by alias for a migrated 1.1 id, else by platform and id."""
    if platform.lti_version == "1.1":
        target = aliased(platform.id, kind, external_id)
        if target is not None and db.session.get(KINDS[kind][0], target) is not None:
            return {"id": target}
    return {"platform_id": platform.id, KINDS[kind][1]: external_id}
