"""Lint of a module beyond its quiz: durations, rubric descriptors, approval rule, resources."""

from __future__ import annotations

import math
import re

from .lint import lint_quiz
from .parse import ParsedLesson, ParsedModule
from .source import Problem

WORDS_PER_MINUTE = 150
CREDITED_PUBLISHER = "Le RAMEAU"
SUBJECTIVE = re.compile(
    r"\b(finesse|cohérente?s?|pertinente?s?|avec soin|bonnes? qualités?)\b", re.IGNORECASE
)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def lesson_words(lesson: ParsedLesson) -> int:
    """Words a learner reads in a lesson (text of the Markdown, not link targets or syntax)."""
    count = 0
    for token in lesson.tokens:
        if token.type == "fence" or token.type == "code_block":
            count += len(_WORD.findall(token.content))
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                count += len(_WORD.findall(child.content))
    return count


def reading_minutes(words: int) -> int:
    """Minutes to read this many words at WORDS_PER_MINUTE."""
    return math.ceil(words / WORDS_PER_MINUTE)


def _lesson_durations(parsed: ParsedModule) -> list[Problem]:
    problems = []
    for lesson in parsed.lessons:
        front = lesson.source.front
        minutes = front.data.get("duration_minutes") if isinstance(front.data, dict) else None
        if not lesson.valid or not isinstance(minutes, int):
            continue
        words = lesson_words(lesson)
        need = reading_minutes(words)
        line = front.line(("duration_minutes",))
        if minutes < need:
            message = (
                f"duration_minutes {minutes} is below the reading time: {words} words at "
                f"{WORDS_PER_MINUTE} a minute take {need} minutes"
            )
            problems.append(Problem(lesson.file, line, message, "warning"))
        elif minutes > 2 * need + 5:
            message = (
                f"duration_minutes {minutes} is more than twice the reading time plus 5 "
                f"({words} words: {need} minute{'' if need == 1 else 's'} to read, "
                f"at most {2 * need + 5})"
            )
            problems.append(Problem(lesson.file, line, message, "warning"))
    return problems


def _module_duration(parsed: ParsedModule) -> list[Problem]:
    doc = parsed.module
    if doc is None or not parsed.valid.get("module"):
        return []
    parts = {"lessons": 0, "quiz": 0, "assignment": 0}
    for lesson in parsed.lessons:
        data = lesson.source.front.data
        if isinstance(data, dict) and isinstance(data.get("duration_minutes"), int):
            parts["lessons"] += data["duration_minutes"]
    for name, part in (("quiz", parsed.quiz), ("assignment", parsed.assignment)):
        if part is not None and parsed.valid.get(name):
            parts[name] = part.data["estimated_minutes"]
    total, declared = sum(parts.values()), doc.data["duration_minutes"]
    if declared >= total:
        return []
    detail = ", ".join(f"{k} {v}" for k, v in parts.items())
    message = f"duration_minutes {declared} is below the sum of its parts: {total} ({detail})"
    return [Problem(parsed.file("module.yaml"), doc.line(("duration_minutes",)), message)]


def _rubric(parsed: ParsedModule) -> list[Problem]:
    doc, file = parsed.assignment, parsed.file("assignment.yaml")
    if doc is None or not parsed.valid.get("assignment"):
        return []
    problems = []
    rubric = doc.data["rubric"]
    for i, criterion in enumerate(rubric):
        for j, level in enumerate(criterion["levels"]):
            path = ("rubric", i, "levels", j, "descriptor")
            where = f'criterion "{criterion["id"]}", level "{level["id"]}"'
            if not level["descriptor"].strip():
                problems.append(Problem(file, doc.line(path), f"{where}: empty descriptor"))
            for word in SUBJECTIVE.findall(level["descriptor"]):
                message = (
                    f'{where}: subjective word "{word}" in the descriptor: say what a mentor '
                    "observes (a count, a named element)"
                )
                problems.append(Problem(file, doc.line(path), message, "warning"))
    best = sum(max(lv["points"] for lv in c["levels"]) for c in rubric)
    rule = doc.data["approval"]
    reachable = best
    if rule["no_lowest_level"]:
        lowest = [min(lv["points"] for lv in c["levels"]) for c in rubric]
        above = [
            [lv["points"] for lv in c["levels"] if lv["points"] > low]
            for c, low in zip(rubric, lowest, strict=True)
        ]
        reachable = sum(max(p) for p in above) if all(above) else -1
    if reachable < 0 or rule["min_share"] * best > reachable + 1e-9:
        message = (
            f"approval rule unreachable: {rule['min_share']:g} x {best:g} points cannot be met "
            "without a criterion at its lowest level"
        )
        problems.append(Problem(file, doc.line(("approval",)), message))
    return problems


def _resources(parsed: ParsedModule) -> list[Problem]:
    doc, file = parsed.module, parsed.file("module.yaml")
    if doc is None or not parsed.valid.get("module"):
        return []
    problems = []
    resources = doc.data["resources"]
    if not any(r["publisher"].strip() == CREDITED_PUBLISHER for r in resources):
        message = f'no resource from publisher "{CREDITED_PUBLISHER}": credit the source'
        problems.append(Problem(file, doc.line(("resources",)), message, "warning"))
    seen: set[str] = set()
    for i, resource in enumerate(resources):
        url = resource["url"].rstrip("/")
        if url in seen:
            message = f'resource "{resource["url"]}" is listed twice'
            problems.append(Problem(file, doc.line(("resources", i)), message, "warning"))
        seen.add(url)
    return problems


def _built_templates(parsed: ParsedModule) -> list[Problem]:
    folder = parsed.folder / "templates"
    problems = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        missing = [
            f"assets/{path.stem}.{ext}"
            for ext in ("odt", "pdf")
            if not (parsed.folder / "assets" / f"{path.stem}.{ext}").is_file()
        ]
        if missing:
            message = (
                f"template not built: {', '.join(missing)} missing "
                "(run `catalyst-training content templates`)"
            )
            file = parsed.file(f"templates/{path.name}")
            problems.append(Problem(file, 1, message, "warning"))
    return problems


def lint_module(parsed: ParsedModule) -> list[Problem]:
    """Lint findings of one module (warnings, plus errors for impossible durations and rules)."""
    return (
        lint_quiz(parsed)
        + _lesson_durations(parsed)
        + _module_duration(parsed)
        + _rubric(parsed)
        + _resources(parsed)
        + _built_templates(parsed)
    )
