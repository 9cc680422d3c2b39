"""Read module folders into immutable objects; snapshots to replay a stored version."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .check import module_folders
from .markdown import Heading, render_markdown, render_tokens
from .objects import Assignment, Criterion, Lesson, Level, Module, Quiz, freeze, thaw
from .parse import ParsedModule, parse_module
from .rules import check_parsed
from .source import ContentError

log = logging.getLogger(__name__)

DEFAULT_REVIEW = {"after_attempt": ["score"], "after_last": ["score", "correctness"]}


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


def _quiz(data: dict[str, Any]) -> Quiz:
    return Quiz(
        title=data["title"],
        pass_mark=data["pass_mark"],
        max_attempts=data.get("max_attempts"),
        grading=data.get("grading", "highest"),
        cooldown_minutes=data.get("cooldown_minutes", 0),
        shuffle_questions=data.get("shuffle_questions", False),
        shuffle_choices=data.get("shuffle_choices", False),
        review=freeze({**DEFAULT_REVIEW, **(data.get("review") or {})}),
        questions=freeze(data["questions"]),
    )


def _assignment(data: dict[str, Any], html: dict[str, str] | None = None) -> Assignment:
    html = html or {k: render_markdown(data.get(k) or "") for k in ("prompt", "guidance")}
    rubric = tuple(
        Criterion(
            id=c["id"],
            title=c["title"],
            description=c.get("description", ""),
            levels=tuple(
                Level(lv["id"], lv["title"], lv["points"], lv["descriptor"]) for lv in c["levels"]
            ),
        )
        for c in data["rubric"]
    )
    return Assignment(
        title=data["title"],
        prompt=data["prompt"],
        prompt_html=Markup(html["prompt"]),  # noqa: S704 - rendered by render_markdown
        guidance=data.get("guidance", ""),
        guidance_html=Markup(html["guidance"]),  # noqa: S704 - rendered by render_markdown
        requires_approval=data.get("requires_approval", False),
        attachment=freeze(
            {"allowed": False, "max_mb": 0, "types": [], **data.get("attachment", {})}
        ),
        rubric=rubric,
    )


def _module(data: dict[str, Any], **parts: Any) -> Module:
    return Module(
        slug=data["slug"],
        title=data["title"],
        summary=data["summary"],
        objectives=tuple(data["objectives"]),
        duration_minutes=data["duration_minutes"],
        order=data["order"],
        prerequisites=tuple(data.get("prerequisites") or ()),
        completion=freeze(data["completion"]),
        weighting=freeze(data["weighting"]),
        passback=freeze(data.get("passback") or {}),
        **parts,
    )


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
            )
        )
    return _module(
        parsed.module.data,
        lessons=tuple(lessons),
        quiz=_quiz(parsed.quiz.data) if parsed.quiz else None,
        assignment=_assignment(parsed.assignment.data) if parsed.assignment else None,
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


def module_to_snapshot(module: Module) -> dict[str, Any]:
    """JSON-friendly copy of a module: fields, lessons (HTML, headings), quiz, assignment."""
    lessons = [
        {
            "id": lesson.id,
            "title": lesson.title,
            "duration_minutes": lesson.duration_minutes,
            "markdown": lesson.markdown,
            "html": str(lesson.html),
            "headings": [
                {"level": h.level, "text": h.text, "anchor": h.anchor} for h in lesson.headings
            ],
            "order": lesson.order,
        }
        for lesson in module.lessons
    ]
    snapshot: dict[str, Any] = {
        "slug": module.slug,
        "title": module.title,
        "summary": module.summary,
        "objectives": list(module.objectives),
        "duration_minutes": module.duration_minutes,
        "order": module.order,
        "prerequisites": list(module.prerequisites),
        "completion": thaw(module.completion),
        "weighting": thaw(module.weighting),
        "passback": thaw(module.passback),
        "version": module.version,
        "lessons": lessons,
        "quiz": None,
        "assignment": None,
    }
    if module.quiz is not None:
        fields = ("title", "pass_mark", "max_attempts", "grading", "cooldown_minutes")
        quiz = {k: getattr(module.quiz, k) for k in fields}
        quiz["shuffle_questions"] = module.quiz.shuffle_questions
        quiz["shuffle_choices"] = module.quiz.shuffle_choices
        quiz["review"] = thaw(module.quiz.review)
        quiz["questions"] = thaw(module.quiz.questions)
        snapshot["quiz"] = quiz
    if (a := module.assignment) is not None:
        rubric = [
            {
                "id": c.id,
                "title": c.title,
                "description": c.description,
                "levels": [vars(lv).copy() for lv in c.levels],
            }
            for c in a.rubric
        ]
        snapshot["assignment"] = {
            "title": a.title,
            "prompt": a.prompt,
            "prompt_html": str(a.prompt_html),
            "guidance": a.guidance,
            "guidance_html": str(a.guidance_html),
            "requires_approval": a.requires_approval,
            "attachment": thaw(a.attachment),
            "rubric": rubric,
        }
    return snapshot


def module_from_snapshot(snapshot: dict[str, Any]) -> Module:
    """The Module stored in a snapshot (as made by module_to_snapshot), to replay attempts."""
    lessons = tuple(
        Lesson(
            id=item["id"],
            title=item["title"],
            duration_minutes=item["duration_minutes"],
            markdown=item["markdown"],
            html=Markup(item["html"]),  # noqa: S704 - sanitised when the snapshot was made
            headings=tuple(Heading(**h) for h in item["headings"]),
            order=item["order"],
        )
        for item in snapshot["lessons"]
    )
    a = snapshot.get("assignment")
    html = {"prompt": a["prompt_html"], "guidance": a["guidance_html"]} if a else None
    return _module(
        snapshot,
        lessons=lessons,
        quiz=_quiz(snapshot["quiz"]) if snapshot.get("quiz") else None,
        assignment=_assignment(a, html) if a else None,
        version=snapshot.get("version", ""),
    )


ModuleInfo = Module  # former name, kept for existing imports
