"""Read YAML and front matter keeping the line of every value, for `file:line: message` reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One finding of `content check`: where and what."""

    file: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning" (a lint finding; `--strict` counts it)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        """Whether this problem blocks (warnings only do under `content check --strict`)."""
        return self.severity == "error"


class ContentError(Exception):
    """A module that cannot be loaded; carries the problems found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Document:
    """Parsed YAML data plus the line (1-based) of each key or item, by path."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    nodes: dict[Path_, yaml.Node] = field(default_factory=dict)
    duplicates: list[tuple[str, int]] = field(default_factory=list)
    offset: int = 0

    def line(self, path: Path_) -> int:
        """Line of the deepest known prefix of path."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1 + self.offset)

    def text_line(self, path: Path_, index: int) -> int:
        """Line of the index-th (0-based) line of the string value at path."""
        node = self.nodes.get(tuple(path))
        if not isinstance(node, yaml.ScalarNode):
            return self.line(path)
        first = node.start_mark.line + (1 if node.style in ("|", ">") else 0)
        return first + index + 1 + self.offset


def _key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, doc: Document) -> Any:
    doc.nodes[path] = node
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _key(loader.construct_object(key_node, deep=True))
            line = key_node.start_mark.line + 1 + doc.offset
            if key in result:
                doc.duplicates.append((key, line))
            doc.lines[(*path, key)] = line
            result[key] = _build(loader, value_node, (*path, key), doc)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            doc.lines[(*path, index)] = item.start_mark.line + 1 + doc.offset
            items.append(_build(loader, item, (*path, index), doc))
        return items
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, file: str, offset: int = 0) -> Document:
    """Parse one YAML document; raise ContentError on a syntax error (with its line)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        doc = Document(None, offset=offset)
        if node is not None:
            doc.lines[()] = node.start_mark.line + 1 + offset
            doc.data = _build(loader, node, (), doc)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + 1 if mark else 1) + offset
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError([Problem(file, line, f"YAML error: {problem}")]) from exc
    finally:
        loader.dispose()
    return doc


def read_yaml(path: Path, file: str) -> Document:
    """Parse a YAML file (see parse_yaml)."""
    return parse_yaml(path.read_text(encoding="utf-8"), file)


@dataclass(frozen=True)
class LessonSource:
    """A lesson file split into its front matter and its Markdown body."""

    front: Document
    body: str
    body_offset: int  # number of lines before the body


def read_lesson(path: Path, file: str) -> LessonSource:
    """Split `---` front matter from the Markdown; raise ContentError when it is missing."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError(
            [Problem(file, 1, "missing front matter (the file must start with ---)")]
        )
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise ContentError([Problem(file, 1, "unterminated front matter (no closing ---)")])
    front = parse_yaml("".join(lines[1:end]), file, offset=1)
    return LessonSource(front, "".join(lines[end + 1 :]), end + 1)
