"""What a refused launch received against what is registered, and a hint for the known cases.

A platform administrator reading "unknown platform" cannot tell a wrong client id from a
deployment added on the platform but not here, or from a Moodle activity that still carries an
LTI 1.1 resource key (Moodle then sends that key as `aud`). The page and the log name both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from .launch import CLAIM
from .models import Platform


@dataclass(frozen=True)
class Mismatch:
    """Both sides of a refused launch, and what to do about it (None when nothing is known)."""

    received: str
    registered: str
    hint: str | None


def _audiences(body: dict[str, Any]) -> list[str]:
    aud = body.get("aud")
    return [a for a in (aud if isinstance(aud, list) else [aud]) if isinstance(a, str)]


def describe(body: dict[str, Any]) -> Mismatch:
    """Received issuer, aud, azp and deployment against this issuer's registrations."""
    issuer = body.get("iss") if isinstance(body.get("iss"), str) else ""
    deployment = body.get(CLAIM + "deployment_id")
    received = (
        f"iss={issuer!r}, aud={body.get('aud')!r}, azp={body.get('azp')!r}, "
        f"deployment_id={deployment!r}"
    )
    platforms = list(db.session.scalars(select(Platform).where(Platform.issuer == issuer)))
    registered = (
        "; ".join(
            f"client_id={p.client_id!r}{'' if p.active else ' (inactive)'} deployments="
            + ",".join(d.deployment_id + ("" if d.active else " (inactive)") for d in p.deployments)
            for p in platforms
        )
        or "-"
    )
    return Mismatch(received, registered, _hint(platforms, body, deployment))


def _hint(platforms: list[Platform], body: dict[str, Any], deployment: Any) -> str | None:
    audiences = _audiences(body)
    if not platforms:
        return _("Aucune plateforme n'est enregistrée avec cet émetteur : enregistrez-la.")
    ours = [p for p in platforms if p.client_id in audiences or p.client_id == body.get("azp")]
    if not ours:
        legacy = db.session.scalar(
            select(Platform.id).where(
                Platform.lti_version == "1.1", Platform.client_id.in_(audiences or [""])
            )
        )
        if legacy is not None or (len(audiences) == 1 and not body.get("azp")):
            return _(
                "L'activité envoie peut-être une ancienne clé LTI 1.1 comme identifiant "
                "client : dans la plateforme, retirez la clé de ressource de l'activité."
            )
        return _("L'identifiant client reçu n'est pas celui enregistré pour cette plateforme.")
    known = {d.deployment_id for p in ours for d in p.deployments}
    if deployment and str(deployment) not in known:
        return _(
            "Ce déploiement a été ajouté dans la plateforme mais pas dans l'outil : "
            "catalyst-training platform add-deployment %(platform)s %(deployment)s",
            platform=ours[0].id,
            deployment=deployment,
        )
    return None
