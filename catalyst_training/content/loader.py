"""Read module folders into immutable objects; snapshots to replay a stored version."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from .build import assignment_from, module_from, quiz_from
from .check import module_folders
from .markdown import render_tokens
from .objects import Lesson, Module
from .parse import ParsedModule, parse_module
from .rules import check_parsed
from .snapshot import module_from_snapshot, module_to_snapshot
from .source import ContentError

__all__ = ["module_from_snapshot", "module_to_snapshot"]  # re-exported: their former home

log = logging.getLogger(__name__)


def _files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part[0] in "._" for part in p.relative_to(folder).parts)
    )


def content_hash(folder: Path) -> str:
    """SHA-256 (hex) over the relative paths and bytes of every file of a module folder."""
    digest = hashlib.sha256()
    for path in _files(folder):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_module(parsed: ParsedModule) -> Module:
    """Objects of a parsed module; raise ContentError when the module has problems."""
    problems = check_parsed(parsed)
    if problems or parsed.module is None:
        raise ContentError(problems)
    lessons = []
    for order, lesson in enumerate(parsed.lessons, start=1):
        front = lesson.source.front.data
        lessons.append(
            Lesson(
                id=front["id"],
                title=front["title"],
                duration_minutes=front["duration_minutes"],
                markdown=lesson.source.body,
                html=render_tokens(lesson.tokens),
                headings=lesson.headings,
                order=order,
                objectives=tuple(front.get("objectives") or ()),
            )
        )
    return module_from(
        parsed.module.data,
        lessons=tuple(lessons),
        quiz=quiz_from(parsed.quiz.data) if parsed.quiz else None,
        assignment=assignment_from(parsed.assignment.data) if parsed.assignment else None,
        version=content_hash(parsed.folder),
        path=parsed.folder,
    )


def load_module(path: str | Path) -> Module:
    """The module in folder `path`; raise ContentError listing its problems if it is invalid."""
    return build_module(parse_module(Path(path)))


def _stamp(root: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size)
        for folder in module_folders(root)
        for p in _files(folder)
    )


_cache: dict[tuple[str, tuple], tuple[Module, ...]] = {}


def load_programme(root: str | Path) -> tuple[Module, ...]:
    """Every valid module under root, in programme order; reread only when a file changed."""
    root = Path(root)
    if not root.is_dir():
        return ()
    key = (str(root.resolve()), _stamp(root))
    if key not in _cache:
        modules = []
        for folder in module_folders(root):
            try:
                modules.append(load_module(folder))
            except ContentError as exc:
                log.warning("module %s skipped (run `content check`):\n%s", folder.name, exc)
        for old in [k for k in _cache if k[0] == key[0]]:
            del _cache[old]
        _cache[key] = tuple(sorted(modules, key=lambda m: (m.order, m.slug)))
    return _cache[key]


def find_module(root: str | Path, slug: str | None) -> Module | None:
    """The module with this slug, or None."""
    return next((m for m in load_programme(root) if m.slug == slug), None) if slug else None


ModuleInfo = Module  # former name, kept for existing imports
