"""Read a module folder: YAML documents, lessons, schema problems, and every link with its line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from . import markdown as md
from .schema import validate
from .source import ContentError, Document, LessonSource, Path_, Problem, read_lesson, read_yaml

FOLDER = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)$")
LESSON_FILE = re.compile(r"^(\d+)-(.+)\.md$")
# The Markdown texts of assignment.yaml whose links and raw HTML are checked like a lesson's.
MARKDOWN_IN_ASSIGNMENT: tuple[Path_, ...] = (
    ("prompt",), ("guidance",), ("mentor_guide", "focus"),
    ("mentor_guide", "good_example", "excerpt"), ("mentor_guide", "weak_example", "excerpt"),
)  # fmt: skip


@dataclass(frozen=True)
class Link:
    """A link or image found in Markdown: where it is and where it points."""

    file: str
    line: int
    href: str
    image: bool = False
    lesson_id: str | None = None  # the lesson containing it (for '#anchor' links)


@dataclass
class ParsedLesson:
    """A lesson file read and parsed (tokens are rendered later by the loader)."""

    file: str
    path: Path
    source: LessonSource
    tokens: list[Token]
    headings: tuple[md.Heading, ...]
    valid: bool


@dataclass
class ParsedModule:
    """Everything read from one module folder, with the problems found so far."""

    folder: Path
    name: str
    module: Document | None = None
    lessons: list[ParsedLesson] = field(default_factory=list)
    quiz: Document | None = None
    assignment: Document | None = None
    problems: list[Problem] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    valid: dict[str, bool] = field(default_factory=dict)

    def file(self, name: str) -> str:
        """Display name of a file of this module, relative to the programme root."""
        return f"{self.name}/{name}"


def _read(parsed: ParsedModule, name: str, kind: str) -> Document | None:
    file = parsed.file(name)
    try:
        doc = read_yaml(parsed.folder / name, file)
    except ContentError as exc:
        parsed.problems.extend(exc.problems)
        parsed.valid[kind] = False
        return None
    problems = [Problem(file, line, f'duplicate key "{key}"') for key, line in doc.duplicates]
    problems += validate(doc, kind, file)
    parsed.problems.extend(problems)
    parsed.valid[kind] = not problems
    return doc


def inline_items(tokens: list[Token]) -> Iterator[tuple[int, Token]]:
    """(0-based line in the text, token) for every inline child and raw HTML block."""
    for token in tokens:
        if token.type == "html_block" and token.map:
            yield token.map[0], token
        if token.type != "inline" or not token.map:
            continue
        line = token.map[0]
        stack = list(reversed(token.children or []))
        while stack:
            child = stack.pop()
            yield line, child
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "image":
                stack.extend(reversed(child.children or []))


def scan_markdown(
    parsed: ParsedModule, tokens: list[Token], file: str, to_line, lesson_id: str | None = None
) -> None:
    """Record links/images and report raw HTML; to_line maps a 0-based text line to a file line."""
    for line, token in inline_items(tokens):
        if md.is_raw_html(token):
            parsed.problems.append(Problem(file, to_line(line), "raw HTML is not allowed"))
        elif token.type == "link_open":
            href = str(token.attrGet("href") or "")
            parsed.links.append(Link(file, to_line(line), href, False, lesson_id))
        elif token.type == "image":
            src = str(token.attrGet("src") or "")
            parsed.links.append(Link(file, to_line(line), src, True, lesson_id))


def scan_yaml_markdown(parsed: ParsedModule, doc: Document, file: str, path: Path_) -> None:
    """Scan a Markdown string value of a YAML document (assignment prompt, mentor guide…)."""
    text = doc.data
    for key in path:
        text = text.get(key) if isinstance(text, dict) else None
    if isinstance(text, str):
        scan_markdown(parsed, md.parse(text), file, lambda i: doc.text_line(path, i))


def _read_lesson(parsed: ParsedModule, path: Path) -> None:
    file = parsed.file(f"lessons/{path.name}")
    try:
        source = read_lesson(path, file)
    except ContentError as exc:
        parsed.problems.extend(exc.problems)
        parsed.valid["lessons"] = False
        return
    problems = [Problem(file, ln, f'duplicate key "{key}"') for key, ln in source.front.duplicates]
    problems += validate(source.front, "lesson", file)
    parsed.problems.extend(problems)
    tokens = md.parse(source.body)
    lesson_id = source.front.data.get("id") if isinstance(source.front.data, dict) else None
    scan_markdown(parsed, tokens, file, lambda i: source.body_offset + i + 1, lesson_id)
    seen: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h2", "h3") and token.map:
            children = tokens[index + 1].children or []
            text = "".join(c.content for c in children if c.type in ("text", "code_inline"))
            anchor, line = md.slugify(text), source.body_offset + token.map[0] + 1
            if anchor in seen:
                message = f'duplicate section anchor "{anchor}" (also on line {seen[anchor]})'
                problems.append(Problem(file, line, message))
                parsed.problems.append(problems[-1])
            seen.setdefault(anchor, line)
    lesson = ParsedLesson(file, path, source, tokens, md.headings(tokens), not problems)
    parsed.lessons.append(lesson)
    parsed.valid["lessons"] = parsed.valid.get("lessons", True) and lesson.valid


def parse_templates(parsed: ParsedModule) -> list[Problem]:
    """Problems of the module's templates/*.yaml (field templates built into assets/).

    They are sources for a build script, not lessons: the loader never reads them, so their
    problems are reported by `content check` without making the module invalid.
    """
    problems: list[Problem] = []
    folder = parsed.folder / "templates"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        file = parsed.file(f"templates/{path.name}")
        try:
            doc = read_yaml(path, file)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        problems += [Problem(file, line, f'duplicate key "{key}"') for key, line in doc.duplicates]
        problems += validate(doc, "template", file)
    return problems


def parse_module(folder: Path) -> ParsedModule:
    """Read every file of a module folder; schema and syntax problems are collected, not raised."""
    parsed = ParsedModule(folder, folder.name)
    if not (folder / "module.yaml").is_file():
        parsed.problems.append(Problem(parsed.file("module.yaml"), 1, "missing module.yaml"))
        parsed.valid["module"] = False
        return parsed
    parsed.module = _read(parsed, "module.yaml", "module")
    lessons_dir = folder / "lessons"
    for path in sorted(lessons_dir.glob("*.md")) if lessons_dir.is_dir() else []:
        _read_lesson(parsed, path)
    if (folder / "quiz.yaml").is_file():
        parsed.quiz = _read(parsed, "quiz.yaml", "quiz")
    if (folder / "assignment.yaml").is_file():
        parsed.assignment = _read(parsed, "assignment.yaml", "assignment")
        if parsed.assignment is not None:
            for path in MARKDOWN_IN_ASSIGNMENT:
                scan_yaml_markdown(parsed, parsed.assignment, parsed.file("assignment.yaml"), path)
    return parsed
