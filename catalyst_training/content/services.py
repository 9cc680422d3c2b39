"""Load the programme into the database as versions (flush only: the caller commits)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from .check import module_folders
from .loader import load_module, module_to_snapshot
from .models import ModuleVersion
from .parse import FOLDER
from .programme import (
    Dimension,
    Glossary,
    MaturityLevel,
    SelfAssessment,
    Term,
    load_glossary,
    load_self_assessment,
)

# The programme-wide objects, importable from here by the pages that show them.
__all__ = ["Dimension", "Glossary", "MaturityLevel", "SelfAssessment", "Term"]
from .source import ContentError, Problem


@dataclass
class SyncReport:
    """What a sync did, by module slug."""

    created: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when a row was added or a current flag moved."""
        return bool(self.created or self.reactivated or self.retired)

    def summary(self) -> str:
        """One line for the console."""
        return (
            f"{len(self.created)} new, {len(self.reactivated)} reactivated, "
            f"{len(self.unchanged)} unchanged, {len(self.retired)} retired"
            + (f", {len(self.problems)} problems" if self.problems else "")
        )


def _folder_slug(folder: Path) -> str:
    match = FOLDER.match(folder.name)
    return match.group(2) if match else folder.name


def _make_current(slug: str, version: ModuleVersion) -> None:
    others = db.session.scalars(
        select(ModuleVersion).where(
            ModuleVersion.slug == slug, ModuleVersion.is_current, ModuleVersion.id != version.id
        )
    )
    for other in others:
        other.is_current = False
    version.is_current = True


def sync_modules(root: str | Path) -> SyncReport:
    """Store a version per module content hash; mark the current ones; retire removed modules."""
    report = SyncReport()
    present: set[str] = set()
    for folder in module_folders(Path(root)):
        present.add(_folder_slug(folder))
        try:
            module = load_module(folder)
        except ContentError as exc:
            report.problems.extend(exc.problems)  # its current version, if any, stays current
            continue
        present.add(module.slug)
        existing = db.session.scalar(
            select(ModuleVersion).where(
                ModuleVersion.slug == module.slug, ModuleVersion.version == module.version
            )
        )
        if existing is None:
            existing = ModuleVersion(
                slug=module.slug,
                version=module.version,
                title=module.title,
                snapshot=module_to_snapshot(module),
                is_current=True,
            )
            db.session.add(existing)
            db.session.flush()
            report.created.append(module.slug)
        elif existing.is_current:
            report.unchanged.append(module.slug)
            continue
        else:
            report.reactivated.append(module.slug)
        _make_current(module.slug, existing)
    stale = db.session.scalars(
        select(ModuleVersion).where(ModuleVersion.is_current, ModuleVersion.slug.not_in(present))
    )
    for version in stale:
        version.is_current = False
        if version.slug not in report.retired:
            report.retired.append(version.slug)
    db.session.flush()
    return report


def current_version(slug: str) -> ModuleVersion | None:
    """The current stored version of a module, or None."""
    return db.session.scalar(
        select(ModuleVersion)
        .where(ModuleVersion.slug == slug, ModuleVersion.is_current)
        .order_by(ModuleVersion.id.desc())
        .limit(1)
    )


def get_version(version_id: int) -> ModuleVersion | None:
    """A stored version by id (also old, non-current ones), or None."""
    return db.session.get(ModuleVersion, version_id)


def current_versions() -> list[ModuleVersion]:
    """Every current module version, by slug."""
    return list(
        db.session.scalars(
            select(ModuleVersion).where(ModuleVersion.is_current).order_by(ModuleVersion.slug)
        )
    )


def _programme_root(root: str | Path | None) -> Path:
    from flask import current_app

    return Path(root if root is not None else current_app.config["CONTENT_PATH"])


def glossary(root: str | Path | None = None) -> Glossary:
    """The programme glossary (CONTENT_PATH by default), reread when the file changes."""
    return load_glossary(_programme_root(root))


def self_assessment(root: str | Path | None = None) -> SelfAssessment | None:
    """The alliance-maturity self-assessment of the programme, or None when it has none."""
    return load_self_assessment(_programme_root(root))
