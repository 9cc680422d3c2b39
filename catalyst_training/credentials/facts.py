"""The facts a certificate states, gathered once at issue time into a JSON snapshot."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from ..auth import roles
from ..auth.models import Context, Membership, User
from ..content.services import current_versions
from ..core.models import aware
from ..extensions import db
from ..learning.models import COMPLETED, LessonView, ModuleProgress
from ..learning.modules import module_for_version
from ..mentoring.models import Cohort, CohortMember

FORMAT = 1  # version of the snapshot's shape (the PDF renders every version it knows)


@dataclass(frozen=True)
class Programme:
    """The current modules, in programme order: (slug, title, order, version, minutes)."""

    modules: tuple[tuple[str, str, int, str, int], ...]

    @property
    def slugs(self) -> tuple[str, ...]:
        """Slugs of the current modules."""
        return tuple(m[0] for m in self.modules)


def programme() -> Programme:
    """The programme as it stands (current module versions)."""
    found = []
    for version in current_versions():
        module = module_for_version(version.id)
        if module is None:
            continue
        minutes = int(getattr(module, "duration_minutes", 0) or 0)
        found.append((module.slug, module.title, module.order, version.version[:12], minutes))
    found.sort(key=lambda m: (m[2], m[0]))
    return Programme(tuple(found))


def completed(user_id: int) -> dict[str, ModuleProgress]:
    """The learner's completed modules by slug."""
    rows = db.session.scalars(
        select(ModuleProgress).where(
            ModuleProgress.user_id == user_id, ModuleProgress.status == COMPLETED
        )
    )
    return {row.module_slug: row for row in rows}


def active_key(user_id: int, kind: str, slugs: list[str] | tuple[str, ...]) -> str:
    """The key an active certificate holds: one per learner, kind and set of modules."""
    digest = hashlib.sha256(",".join(sorted(slugs)).encode()).hexdigest()[:40]
    return f"{user_id}:{kind}:{digest}"


def learner_context(user_id: int) -> tuple[int | None, dict[str, Any]]:
    """The learner's latest course run (with cohort and territory) as (context id, facts)."""
    row = db.session.execute(
        select(Membership.context_id, Context.title, Context.context_id)
        .join(Context, Context.id == Membership.context_id)
        .where(Membership.user_id == user_id, Membership.role == roles.LEARNER)
        .order_by(Membership.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None, {"course_run": None, "cohort": None, "territory": None}
    cohort = db.session.scalar(
        select(Cohort)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id, CohortMember.context_id == row[0])
        .limit(1)
    )
    territory = cohort.territory if cohort is not None else None
    return row[0], {
        "course_run": row[1] or row[2],
        "cohort": cohort.name if cohort is not None else None,
        "territory": (
            {"name": territory.name, "code": territory.code, "region": territory.region}
            if territory is not None
            else None
        ),
    }


def _iso(value: datetime | None) -> str | None:
    return aware(value).isoformat() if value is not None else None


def snapshot(
    user: User, kind: str, modules: list[tuple[str, str, int, str, int]], now: datetime
) -> tuple[int | None, dict[str, Any]]:
    """(context id, facts) of a certificate for these modules of the learner."""
    done = completed(user.id)
    slugs = [m[0] for m in modules]
    started = db.session.scalar(
        select(func.min(LessonView.first_viewed_at)).where(
            LessonView.user_id == user.id, LessonView.module_slug.in_(slugs)
        )
    )
    listed = []
    for slug, title, order, version, minutes in modules:
        row = done.get(slug)
        listed.append(
            {
                "slug": slug,
                "title": title,
                "order": order,
                "version": version,
                "minutes": minutes,
                "completed_at": _iso(row.completed_at) if row is not None else None,
                "score": round(row.score, 2) if row is not None and row.score is not None else None,
            }
        )
    ends = [m["completed_at"] for m in listed if m["completed_at"]]
    context_id, place = learner_context(user.id)
    cfg = current_app.config
    return context_id, {
        "format": FORMAT,
        "kind": kind,
        "programme": cfg.get("CERTIFICATE_PROGRAMME") or "",
        "issuer": cfg.get("CERTIFICATE_ISSUER") or "catalyst-training",
        "modules": listed,
        "minutes": sum(m["minutes"] for m in listed),
        "started_at": _iso(started) or (min(ends) if ends else None),
        "completed_at": max(ends) if ends else _iso(now),
        **place,
    }
