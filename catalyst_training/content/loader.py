"""Read the programme's module.yaml files (the full format is validated by `content check`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass(frozen=True)
class ModuleInfo:
    """What the picker and landing pages need to know about a module."""

    slug: str
    title: str
    summary: str = ""
    order: int = 0
    duration_minutes: int | None = None
    objectives: tuple[str, ...] = field(default_factory=tuple)
    prerequisites: tuple[str, ...] = field(default_factory=tuple)


_cache: dict[tuple[str, float], tuple[ModuleInfo, ...]] = {}


def _stamp(root: Path) -> float:
    files = list(root.glob("*/module.yaml"))
    return max((f.stat().st_mtime for f in files), default=0.0) + len(files)


def load_programme(root: str | Path) -> tuple[ModuleInfo, ...]:
    """Every module under root, in programme order; reread only when a file changed."""
    root = Path(root)
    if not root.is_dir():
        return ()
    key = (str(root), _stamp(root))
    if key not in _cache:
        modules = []
        for path in sorted(root.glob("*/module.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict) or not data.get("slug"):
                continue
            modules.append(
                ModuleInfo(
                    slug=str(data["slug"]),
                    title=str(data.get("title", data["slug"])),
                    summary=str(data.get("summary", "")),
                    order=int(data.get("order", 0)),
                    duration_minutes=data.get("duration_minutes"),
                    objectives=tuple(data.get("objectives") or ()),
                    prerequisites=tuple(data.get("prerequisites") or ()),
                )
            )
        _cache.clear()
        _cache[key] = tuple(sorted(modules, key=lambda m: (m.order, m.slug)))
    return _cache[key]


def find_module(root: str | Path, slug: str | None) -> ModuleInfo | None:
    """The module with this slug, or None."""
    return next((m for m in load_programme(root) if m.slug == slug), None) if slug else None
