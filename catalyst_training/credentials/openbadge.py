"""The Open Badges 3.0 credential of a module or the programme: an `OpenBadgeCredential`.

It is built from the facts a certificate states (`facts.snapshot`): the certificate's own when the
badge is linked to one, else the same snapshot taken when the badge is issued.

The credential's text is French (like the certificate's PDF), whatever the request's locale. It
names the issuer (the organisation running the programme), the achievement (a module or the
programme, with its criteria) and the learner only by a salted hash of their platform id.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app

from ..core.models import aware
from ..learning.modules import current_module
from .models import MODULE

SCHEMAS = Path(__file__).resolve().parent / "schemas"
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
REVOCATION_LIST = "1EdTechRevocationList"
SCHEMA_VALIDATOR = "1EdTechJsonSchemaValidator2019"
QUIZ, ASSIGNMENT = "quiz", "assignment"


@cache
def schema() -> dict[str, Any]:
    """The 1EdTech JSON Schema of an AchievementCredential (draft 2019-09), shipped with us."""
    return json.loads((SCHEMAS / "achievementcredential.schema.json").read_text("utf-8"))


def iso(value: datetime) -> str:
    """A DateTimeZ as OB 3.0 writes it: UTC, seconds, trailing Z."""
    return aware(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def achievement_name(kind: str, facts: dict[str, Any]) -> str:
    """The achievement's key in URLs: `programme` or `module-<slug>`."""
    modules = facts.get("modules") or []
    if kind == MODULE and modules:
        return f"module-{modules[0].get('slug', '')}"
    return "programme"


def title(kind: str, facts: dict[str, Any]) -> str:
    """What the badge is for: the module's title, or the programme's."""
    if kind == MODULE:
        modules = facts.get("modules") or [{}]
        return str(modules[0].get("title") or modules[0].get("slug") or "Module")
    return str(facts.get("programme") or current_app.config.get("CERTIFICATE_PROGRAMME") or "")


def _module_rule(slug: str, title_: str) -> str:
    """What completing one module required, from its current content (lessons, quiz, work)."""
    module, _version = current_module(slug)
    if module is None:
        return f"terminer le module « {title_} »"
    parts = []
    if module.completion.get("lessons") == "all" and module.lessons:
        count = len(module.lessons)
        parts.append("suivre sa leçon" if count == 1 else f"suivre ses {count} leçons")
    quiz = module.quiz
    if quiz is not None and module.completion.get(QUIZ) == "passed":
        parts.append(f"réussir son quiz (au moins {quiz.pass_mark:g} / 100)")
    elif quiz is not None and module.completion.get(QUIZ) == "attempted":
        parts.append("répondre à son quiz")
    if module.assignment is not None and module.completion.get(ASSIGNMENT) == "approved":
        parts.append("rendre son travail d'application, approuvé par un mentor")
    elif module.assignment is not None and module.completion.get(ASSIGNMENT) == "submitted":
        parts.append("rendre son travail d'application")
    if module.completion.get("peer_exchange") == "attended":
        parts.append("participer à un échange entre pairs")
    rule = ", ".join(parts[:-1]) + (" et " if len(parts) > 1 else "") + (parts[-1] if parts else "")
    return f"« {title_} » : {rule or 'le terminer'}"


def criteria(kind: str, facts: dict[str, Any]) -> str:
    """The criteria narrative (Markdown, French): what was required, module by module."""
    modules = facts.get("modules") or []
    rules = [_module_rule(m.get("slug", ""), m.get("title") or m.get("slug", "")) for m in modules]
    if kind == MODULE:
        head = "Badge délivré à qui a terminé ce module du parcours, c'est-à-dire :"
    else:
        head = "Badge délivré à qui a terminé chacun des modules du parcours :"
    return "\n".join([head, *(f"- {rule}" for rule in rules)])


def issuer_profile(base: str) -> dict[str, Any]:
    """The issuer: the organisation running the programme, as configured."""
    cfg = current_app.config
    profile: dict[str, Any] = {
        "id": f"{base}/credentials/issuer",
        "type": ["Profile"],
        "name": cfg.get("CERTIFICATE_ISSUER") or "catalyst-training",
    }
    if cfg.get("BADGE_ISSUER_URL"):
        profile["url"] = cfg["BADGE_ISSUER_URL"]
    if cfg.get("BADGE_ISSUER_EMAIL"):
        profile["email"] = cfg["BADGE_ISSUER_EMAIL"]
    return profile


def identity(sub: str) -> dict[str, Any]:
    """The learner as a salted SHA-256 of their platform user id (never a name or an email)."""
    salt = secrets.token_hex(16)
    digest = hashlib.sha256((sub + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "ltiUserId",
        "hashed": True,
        "salt": salt,
    }


def achievement(kind: str, facts: dict[str, Any], base: str) -> dict[str, Any]:
    """The Achievement: what the badge recognises, with its criteria and image."""
    name = achievement_name(kind, facts)
    what = title(kind, facts)
    programme = facts.get("programme") or current_app.config.get("CERTIFICATE_PROGRAMME") or ""
    if kind == MODULE:
        description = f"Module « {what} » du parcours « {programme} »."
    else:
        description = f"Parcours complet « {what} »."
    return {
        "id": f"{base}/credentials/achievements/{name}",
        "type": ["Achievement"],
        "achievementType": "Course" if kind == MODULE else "LearningProgram",
        "name": what,
        "description": description,
        "criteria": {"narrative": criteria(kind, facts)},
        "image": {"id": f"{base}/credentials/achievements/{name}.png", "type": "Image"},
    }


def evidence(code: str, base: str) -> list[dict[str, Any]]:
    """The certificate of completion a linked badge was issued with (its verification page)."""
    return [
        {
            "id": f"{base}/verify/{code}",
            "type": ["Evidence"],
            "name": "Certificat de réalisation",
            "description": f"Certificat de réalisation, code {code}.",
        }
    ]


def credential(
    kind: str, facts: dict[str, Any], code: str | None, sub: str, credential_id: str,
    issued: datetime, until: datetime | None, base: str,
) -> dict[str, Any]:  # fmt: skip
    """The OpenBadgeCredential of a module or the programme, before signing.

    `code` is the certificate's when the badge is issued with one (then named as evidence).
    """
    what = title(kind, facts)
    found: dict[str, Any] = {
        "@context": CONTEXTS,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Badge « {what} »",
        "issuer": issuer_profile(base),
        # validFrom for VC 2.0 readers; issuanceDate too, which the OB 3.0 schema requires.
        "validFrom": iso(issued),
        "issuanceDate": iso(issued),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [identity(sub)],
            "achievement": achievement(kind, facts, base),
        },
        "credentialStatus": {
            "id": f"{base}/credentials/revocations.json",
            "type": REVOCATION_LIST,
        },
        "credentialSchema": [{"id": schema()["$id"], "type": SCHEMA_VALIDATOR}],
    }
    if code is not None:
        found["evidence"] = evidence(code, base)
    if facts.get("completed_at"):
        found["credentialSubject"]["activityEndDate"] = iso(
            datetime.fromisoformat(facts["completed_at"])
        )
    if until is not None:
        found["validUntil"] = iso(until)
        found["expirationDate"] = iso(until)
    return found
