"""`content check`: every problem of the programme as `file:line: message`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .lint_module import lint_module
from .markdown import split_internal
from .parse import ParsedModule, parse_module, parse_templates
from .programme import Glossary, check_glossary, check_self_assessment
from .rules import check_parsed
from .source import Document, Problem


@dataclass
class Report:
    """Result of checking a programme folder."""

    modules: list[ParsedModule] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    glossary: Glossary = field(default_factory=Glossary)

    @property
    def ok(self) -> bool:
        """True when no problem was found (not even a warning)."""
        return not self.problems

    @property
    def errors(self) -> list[Problem]:
        """The problems that are errors (warnings are lint findings)."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """The lint findings (errors under `--strict`)."""
        return [p for p in self.problems if not p.is_error]

    def invalid_folders(self) -> set[str]:
        """Folder names of the modules with at least one problem."""
        return {p.file.split("/", 1)[0] for p in self.problems}


def module_folders(root: Path) -> list[Path]:
    """The folders of a programme root that hold (or should hold) a module."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name[0] not in "._")


def _slug(parsed: ParsedModule) -> str | None:
    doc = parsed.module
    slug = doc.data.get("slug") if doc is not None and isinstance(doc.data, dict) else None
    return slug if isinstance(slug, str) else None


def _prerequisites(parsed: ParsedModule) -> list[str]:
    if parsed.module is None or not parsed.valid.get("module"):
        return []
    return list(parsed.module.data.get("prerequisites") or [])


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each prerequisite cycle once, starting from its smallest slug."""
    found: dict[tuple[str, ...], list[str]] = {}

    def visit(slug: str, trail: list[str]) -> None:
        for nxt in graph.get(slug, []):
            if nxt in trail:
                cycle = trail[trail.index(nxt) :]
                start = cycle.index(min(cycle))
                cycle = cycle[start:] + cycle[:start]
                found.setdefault(tuple(cycle), [*cycle, cycle[0]])
            elif nxt in graph:
                visit(nxt, [*trail, nxt])

    for slug in sorted(graph):
        visit(slug, [slug])
    return [found[key] for key in sorted(found)]


def check_programme_modules(
    modules: list[ParsedModule], glossary: Glossary | None = None
) -> list[Problem]:
    """Cross-module checks: unique slugs, module:/glossary: links, prerequisites and cycles."""
    terms = (glossary or Glossary()).ids
    problems: list[Problem] = []
    by_slug: dict[str, ParsedModule] = {}
    docs: dict[str, Document] = {}  # the module.yaml of each slug kept in by_slug
    for parsed in modules:
        slug = _slug(parsed)
        if slug is None or parsed.module is None:
            continue
        if slug in by_slug:
            message = (
                f'duplicate module slug "{slug}" (also in {by_slug[slug].file("module.yaml")})'
            )
            problems.append(
                Problem(parsed.file("module.yaml"), parsed.module.line(("slug",)), message)
            )
        by_slug.setdefault(slug, parsed)
        docs.setdefault(slug, parsed.module)
    for parsed in modules:
        for link in parsed.links:
            internal = split_internal(link.href)
            if internal and internal[0] == "module" and internal[1] not in by_slug:
                message = f'broken link "{link.href}": no module "{internal[1]}"'
                problems.append(Problem(link.file, link.line, message))
            if internal and internal[0] == "glossary" and internal[1] not in terms:
                message = f'broken link "{link.href}": no term "{internal[1]}" in glossary.yaml'
                problems.append(Problem(link.file, link.line, message))
    graph = {slug: _prerequisites(parsed) for slug, parsed in by_slug.items()}
    for slug, parsed in by_slug.items():
        for i, prerequisite in enumerate(graph[slug]):
            if prerequisite not in by_slug:
                line = docs[slug].line(("prerequisites", i))
                problems.append(
                    Problem(
                        parsed.file("module.yaml"), line, f'unknown prerequisite "{prerequisite}"'
                    )
                )
    for cycle in _cycles(graph):
        first = by_slug[cycle[0]]
        line = docs[cycle[0]].line(("prerequisites", graph[cycle[0]].index(cycle[1])))
        message = "prerequisite cycle: " + " -> ".join(cycle)
        problems.append(Problem(first.file("module.yaml"), line, message))
    return problems


def check_programme(root: str | Path) -> Report:
    """Parse and check every module under root; problems sorted by file and line."""
    root = Path(root)
    report = Report()
    if not root.is_dir():
        report.problems.append(Problem(str(root), 1, "not a directory"))
        return report
    report.glossary, problems = check_glossary(root)
    report.problems.extend(problems)
    report.problems.extend(check_self_assessment(root)[1])
    for folder in module_folders(root):
        parsed = parse_module(folder)
        report.modules.append(parsed)
        report.problems.extend(check_parsed(parsed))
        report.problems.extend(lint_module(parsed))
        report.problems.extend(parse_templates(parsed))
    report.problems.extend(check_programme_modules(report.modules, report.glossary))
    report.problems = sorted(set(report.problems), key=lambda p: (p.file, p.line, p.message))
    return report
