"""pylti1p3 ToolConf over the database, and the platform registry services."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import g, has_request_context
from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth import personal_data
from ..auth.personal_data import Subjects
from ..extensions import db
from ..mentoring import audit
from . import keys
from .models import Deployment, Platform


class RegistryError(ValueError):
    """A registry operation that cannot be done (duplicate, bad URL, unknown platform)."""


def check_url(value: str | None, label: str, *, required: bool = True) -> str | None:
    """Validate an absolute http(s) URL; raise RegistryError naming the option otherwise."""
    if not value:
        if required:
            raise RegistryError(f"{label}: required")
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RegistryError(f"{label}: not an absolute http(s) URL: {value!r}")
    return value


def find_platform(issuer: str, client_id: str | None) -> Platform | None:
    """The platform for an issuer and client id (the only one of the issuer when no client id)."""
    # A launch asks several times per request (registration, deployment, view): ask the DB once.
    memo = g.setdefault("catalyst_platforms", {}) if has_request_context() else None
    if memo is not None and (issuer, client_id) in memo:
        return memo[(issuer, client_id)]
    found = _find_platform(issuer, client_id)
    if memo is not None:
        memo[(issuer, client_id)] = found
    return found


def _find_platform(issuer: str, client_id: str | None) -> Platform | None:
    # Deployments load lazily: only the launch's deployment check needs them, not the login.
    query = select(Platform).where(Platform.issuer == issuer, Platform.lti_version == "1.3")
    if client_id:
        return db.session.scalars(query.where(Platform.client_id == client_id)).first()
    found = list(db.session.scalars(query.limit(2)))
    return found[0] if len(found) == 1 else None


def add_platform(
    *,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    deployment_ids: list[str],
    audience: str | None = None,
    name: str | None = None,
    active: bool = True,
) -> Platform:
    """Register an LTI 1.3 platform with its deployments."""
    if not issuer or not client_id:
        raise RegistryError("--issuer and --client-id are required")
    check_url(auth_login_url, "--auth-login-url")
    check_url(auth_token_url, "--auth-token-url")
    check_url(key_set_url, "--key-set-url")
    if not deployment_ids:
        raise RegistryError("--deployment-id: at least one is required")
    if find_platform(issuer, client_id) is not None:
        raise RegistryError(f"platform already registered: issuer={issuer} client_id={client_id}")
    platform = Platform(
        name=name or urlsplit(issuer).netloc or issuer,
        issuer=issuer,
        client_id=client_id,
        auth_login_url=auth_login_url,
        auth_token_url=auth_token_url,
        key_set_url=key_set_url,
        audience=audience,
        active=active,
    )
    for dep in dict.fromkeys(deployment_ids):
        platform.deployments.append(Deployment(deployment_id=dep, active=True))
    db.session.add(platform)
    db.session.flush()
    return platform


def add_deployment(platform: Platform, deployment_id: str) -> Deployment:
    """Register one more deployment id of a platform, or reactivate it (flush only)."""
    deployment_id = (deployment_id or "").strip()
    if not deployment_id or len(deployment_id) > 255:
        raise RegistryError("a deployment id of 1 to 255 characters is required")
    for existing in platform.deployments:
        if existing.deployment_id == deployment_id:
            existing.active = True
            db.session.flush()
            return existing
    found = Deployment(platform_id=platform.id, deployment_id=deployment_id, active=True)
    db.session.add(found)
    db.session.flush()
    return found


def list_platforms() -> list[Platform]:
    """Every platform with its deployments."""
    return list(
        db.session.scalars(
            select(Platform).options(selectinload(Platform.deployments)).order_by(Platform.id)
        )
    )


def get_platform(ref: str, client_id: str | None = None) -> Platform:
    """Find a platform by numeric id, name, or issuer (+ client id); RegistryError if unknown."""
    if ref.isdigit():
        platform = db.session.get(Platform, int(ref))
    else:
        candidates = [
            p
            for p in list_platforms()
            if (p.issuer == ref or p.name == ref) and (client_id in (None, p.client_id))
        ]
        if len(candidates) > 1:
            raise RegistryError(f"several platforms match {ref!r}: give --client-id or the id")
        platform = candidates[0] if candidates else None
    if platform is None:
        raise RegistryError(f"unknown platform: {ref}")
    return platform


def learner_data(platform: Platform) -> dict[str, int]:
    """What this platform's people have stored here, by kind (empty when nobody)."""
    return personal_data.count(personal_data.people_of_platform(platform.id))


def remove_platform(platform: Platform) -> None:
    """Delete a platform (its deployments go with it); refused while it still has people."""
    people = personal_data.users_count(platform.id)
    if people:
        raise RegistryError(
            f"platform {platform.id} ({platform.name}) still holds the data of {people} people"
        )
    db.session.delete(platform)
    db.session.flush()


def purge_platform(platform: Platform, now: datetime, who: dict[str, str]) -> Subjects:
    """Erase every person of a platform, audit who did it, then remove it (flush only)."""
    erased = personal_data.erase(personal_data.people_of_platform(platform.id))
    details = {
        **who,
        "name": platform.name,
        "issuer": platform.issuer,
        "client_id": platform.client_id,
        "people": erased.counts.get("auth.users", 0),
        "files": len(erased.files),
        "removed": erased.counts,
        "kept": erased.kept,
    }
    audit.record(None, "platform.purge", f"platform:{platform.id}", now, details=details)
    remove_platform(platform)
    return erased


def set_active(platform: Platform, active: bool, now: datetime, who: dict[str, str]) -> bool:
    """Allow or stop launches, sessions and deliveries of a platform (audited); True if changed."""
    if platform.active == active:
        return False
    platform.active = active
    action = "platform.enable" if active else "platform.disable"
    details = {**who, "name": platform.name, "issuer": platform.issuer}
    audit.record(None, action, f"platform:{platform.id}", now, details=details)
    return True


class DatabaseToolConf(ToolConfAbstract):
    """pylti1p3 tool configuration read from the platforms table."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        """Every issuer may have several client ids here."""
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        """Every issuer may have several client ids here."""
        return True

    def _registration(self, platform: Platform) -> Registration:
        key = keys.ensure_key()
        reg = Registration()
        reg.set_issuer(platform.issuer)
        reg.set_client_id(platform.client_id)
        reg.set_auth_login_url(platform.auth_login_url or "")
        reg.set_auth_token_url(platform.auth_token_url or "")
        reg.set_auth_audience(platform.audience or platform.auth_token_url or "")
        reg.set_key_set_url(platform.key_set_url)
        reg.set_tool_private_key(key.private_pem)
        reg.set_tool_public_key(_public_pem(key.private_pem))
        return reg

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any):
        """Registration of an issuer that has a single client id."""
        platform = find_platform(iss, None)
        return self._registration(platform) if platform and platform.active else None

    def find_registration_by_params(self, iss: str, client_id: str, *args: Any, **kwargs: Any):
        """Registration for issuer + client id (None when unknown or inactive)."""
        platform = find_platform(iss, client_id)
        return self._registration(platform) if platform and platform.active else None

    def find_deployment(self, iss: str, deployment_id: str):
        """Deployment of an issuer with a single client id."""
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str | None, *args: Any, **kwargs: Any
    ):
        """An active deployment of an active platform, or None."""
        platform = find_platform(iss, client_id)
        if platform is None or not platform.active:
            return None
        for dep in platform.deployments:
            if dep.deployment_id == deployment_id and dep.active:
                return LtiDeployment().set_deployment_id(deployment_id)
        return None

    def get_jwks(self, iss: str | None = None, client_id: str | None = None, **kwargs: Any):
        """All published tool keys (rotation keeps the previous one)."""
        return keys.public_jwks()


# Derived public PEMs by SHA-256 of the private PEM: loading a private key runs RSA consistency
# checks (tens of ms), and every login and launch builds a Registration.
_public_pems: dict[bytes, str] = {}


def _public_pem(private_pem: str) -> str:
    from cryptography.hazmat.primitives import serialization

    digest = hashlib.sha256(private_pem.encode()).digest()
    cached = _public_pems.get(digest)
    if cached is not None:
        return cached
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    public = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    _public_pems[digest] = public
    return public
