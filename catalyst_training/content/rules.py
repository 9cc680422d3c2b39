"""Checks within one module that a schema cannot express: ids, links, refs, points, weighting."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .assets import asset_problem, is_local
from .markdown import split_internal
from .parse import FOLDER, LESSON_FILE, Link, ParsedModule
from .source import Document, Path_, Problem


def _duplicates(
    items: Iterable[tuple[Any, Path_]], doc: Document, file: str, what: str, where: str = ""
) -> list[Problem]:
    seen: set[Any] = set()
    problems = []
    for value, path in items:
        if value in seen:
            problems.append(Problem(file, doc.line(path), f'duplicate {what} "{value}"{where}'))
        seen.add(value)
    return problems


def check_module_file(parsed: ParsedModule) -> list[Problem]:
    """Slug and order against the folder name, weighting, completion against the files."""
    doc, file = parsed.module, parsed.file("module.yaml")
    if doc is None or not parsed.valid.get("module"):
        return []
    data, problems = doc.data, []
    match = FOLDER.match(parsed.name)
    if not match:
        problems.append(Problem(file, 1, f'folder name "{parsed.name}" must be NN-<slug>'))
    elif data["slug"] != match.group(2):
        message = f'slug "{data["slug"]}" does not match the folder name "{parsed.name}"'
        problems.append(Problem(file, doc.line(("slug",)), message))
    elif data["order"] != int(match.group(1)):
        message = f'order {data["order"]} does not match the folder number "{match.group(1)}"'
        problems.append(Problem(file, doc.line(("order",)), message))
    total = data["weighting"]["quiz"] + data["weighting"]["assignment"]
    if total != 100:
        message = f"weighting quiz + assignment must sum to 100 (got {total})"
        problems.append(Problem(file, doc.line(("weighting",)), message))
    present = {"quiz": parsed.quiz is not None, "assignment": parsed.assignment is not None}
    for part, exists in present.items():
        if not exists and data["completion"][part] != "none":
            message = (
                f'completion.{part} is "{data["completion"][part]}" but there is no {part}.yaml'
            )
            problems.append(Problem(file, doc.line(("completion", part)), message))
        if not exists and data["weighting"][part]:
            message = f"weighting.{part} is {data['weighting'][part]} but there is no {part}.yaml"
            problems.append(Problem(file, doc.line(("weighting", part)), message))
    if not parsed.lessons and data["completion"]["lessons"] == "all":
        message = 'completion.lessons is "all" but the module has no lessons'
        problems.append(Problem(file, doc.line(("completion", "lessons")), message))
    return problems


def check_lessons(parsed: ParsedModule) -> list[Problem]:
    """Lesson ids: match the file names, unique in the module."""
    problems = []
    seen: dict[str, str] = {}
    for lesson in parsed.lessons:
        front = lesson.source.front
        lesson_id = front.data.get("id") if isinstance(front.data, dict) else None
        if not isinstance(lesson_id, str):
            continue
        match = LESSON_FILE.match(lesson.path.name)
        line = front.line(("id",))
        if not match:
            message = f'lesson file name "{lesson.path.name}" must be NN-<id>.md'
            problems.append(Problem(lesson.file, line, message))
        elif match.group(2) != lesson_id:
            message = f'lesson id "{lesson_id}" does not match the file name "{lesson.path.name}"'
            problems.append(Problem(lesson.file, line, message))
        if lesson_id in seen:
            message = f'duplicate lesson id "{lesson_id}" (also in {seen[lesson_id]})'
            problems.append(Problem(lesson.file, line, message))
        seen.setdefault(lesson_id, lesson.file)
    return problems


def anchors_by_lesson(parsed: ParsedModule) -> dict[str, frozenset[str]]:
    """Section anchors of each lesson of the module, by lesson id."""
    out = {}
    for lesson in parsed.lessons:
        data = lesson.source.front.data
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            out.setdefault(data["id"], frozenset(h.anchor for h in lesson.headings))
    return out


def resolve_ref(target: str, anchor: str | None, anchors: dict[str, frozenset[str]]) -> str | None:
    """Why lesson `target` / section `anchor` does not exist, or None when it does."""
    if target not in anchors:
        return f'no lesson "{target}" in this module'
    if anchor and anchor not in anchors[target]:
        return f'no section "{anchor}" in lesson "{target}"'
    return None


def check_link(parsed: ParsedModule, link: Link, anchors: dict[str, frozenset[str]]) -> str | None:
    """What is wrong with a link or image (module: links are checked with the programme)."""
    href = link.href
    if link.image:
        if href.startswith("https://"):
            return None
        if is_local(href):
            return check_local_file(parsed, link)
        return f'image "{href}" must use https or be a file of the module'
    internal = split_internal(href)
    if internal and internal[0] == "lesson":
        reason = resolve_ref(internal[1], internal[2], anchors)
        return f'broken link "{href}": {reason}' if reason else None
    if internal or href.startswith("https://"):
        return None
    if href.startswith("#"):
        reason = resolve_ref(link.lesson_id or "", href[1:], anchors) if link.lesson_id else None
        return f'broken link "{href}": {reason}' if reason else None
    if ":" in href.split("/", 1)[0]:
        return f'external link "{href}" must use https'
    if is_local(href):
        return check_local_file(parsed, link)
    return (
        f'unsupported link "{href}" (use https://, lesson:<id>#<anchor>, module:<slug>, '
        "glossary:<term id> or assets/<file>)"
    )


def check_local_file(parsed: ParsedModule, link: Link) -> str | None:
    """A file of the module shown or linked by a lesson: under assets/, allowed type, present."""
    what = "image" if link.image else "link"
    problem = asset_problem(link.href, image=link.image)
    if problem:
        return f'{what} "{link.href}" {problem}'
    if not (parsed.folder / link.href).is_file():
        return f'{what} "{link.href}" not found in the module folder'
    return None


def check_links(parsed: ParsedModule) -> list[Problem]:
    """Every lesson: link, #anchor, external link and image of the module."""
    anchors = anchors_by_lesson(parsed)
    problems = []
    for link in parsed.links:
        reason = check_link(parsed, link, anchors)
        if reason:
            problems.append(Problem(link.file, link.line, reason))
    return problems


def check_assignment(parsed: ParsedModule) -> list[Problem]:
    """Rubric: unique ids, increasing level points, something to earn."""
    doc, file = parsed.assignment, parsed.file("assignment.yaml")
    if doc is None or not parsed.valid.get("assignment"):
        return []
    rubric = doc.data["rubric"]
    crits = ((c["id"], ("rubric", i, "id")) for i, c in enumerate(rubric))
    problems = _duplicates(crits, doc, file, "criterion id")
    best = 0
    for i, criterion in enumerate(rubric):
        levels = criterion["levels"]
        items = ((lv["id"], ("rubric", i, "levels", j, "id")) for j, lv in enumerate(levels))
        problems += _duplicates(items, doc, file, "level id", f' in criterion "{criterion["id"]}"')
        for j in range(1, len(levels)):
            before, now = levels[j - 1]["points"], levels[j]["points"]
            if now <= before:
                message = (
                    f'criterion "{criterion["id"]}": level points must increase'
                    f" ({now} after {before})"
                )
                problems.append(Problem(file, doc.line(("rubric", i, "levels", j)), message))
        best += max(lv["points"] for lv in levels)
    if best <= 0:
        problems.append(Problem(file, doc.line(("rubric",)), "the rubric is worth 0 points"))
    return problems


def _check_question(q: dict[str, Any], i: int, doc: Document, file: str) -> list[Problem]:
    base, problems = ("questions", i), []
    subs = {"choices": "choice", "items": "item", "pairs": "pair"}
    where = f' in question "{q["id"]}"'
    for key, what in subs.items():
        entries = ((e["id"], (*base, key, j, "id")) for j, e in enumerate(q.get(key, ())))
        problems += _duplicates(entries, doc, file, f"{what} id", where)
    if q["type"] in ("single", "multiple"):
        correct = sum(1 for c in q["choices"] if c["correct"])
        if q["type"] == "single" and correct != 1:
            message = (
                f'question "{q["id"]}": a single question needs exactly 1 correct choice'
                f" (found {correct})"
            )
            problems.append(Problem(file, doc.line((*base, "choices")), message))
        if q["type"] == "multiple" and correct == 0:
            message = f'question "{q["id"]}": a multiple question needs at least 1 correct choice'
            problems.append(Problem(file, doc.line((*base, "choices")), message))
    if q["type"] == "matching":
        rights = ((p["right"], (*base, "pairs", j, "right")) for j, p in enumerate(q["pairs"]))
        problems += _duplicates(rights, doc, file, "right-hand side", where)
    if q["type"] == "short_text":
        accepted = ((a.strip().casefold(), (*base, "accepted")) for a in q["accepted"])
        problems += _duplicates(accepted, doc, file, "accepted answer", where)
    return problems


def _refs(questions: list[dict[str, Any]]) -> Iterable[tuple[str, Path_]]:
    for i, q in enumerate(questions):
        if "ref" in q:
            yield q["ref"], ("questions", i, "ref")
        for j, choice in enumerate(q.get("choices", ())):
            if "ref" in choice:
                yield choice["ref"], ("questions", i, "choices", j, "ref")


def check_quiz(parsed: ParsedModule) -> list[Problem]:
    """Unique ids, correct answers, refs to existing sections, a reachable pass mark."""
    doc, file = parsed.quiz, parsed.file("quiz.yaml")
    if doc is None or not parsed.valid.get("quiz"):
        return []
    questions = doc.data["questions"]
    ids = ((q["id"], ("questions", i, "id")) for i, q in enumerate(questions))
    problems = _duplicates(ids, doc, file, "question id")
    for i, q in enumerate(questions):
        problems += _check_question(q, i, doc, file)
    anchors = anchors_by_lesson(parsed)
    for ref, path in _refs(questions):
        target, _, anchor = ref.partition("#")
        reason = resolve_ref(target, anchor or None, anchors)
        if reason:
            problems.append(Problem(file, doc.line(path), f'broken ref "{ref}": {reason}'))
    pass_mark, total = doc.data["pass_mark"], sum(q["points"] for q in questions)
    line = doc.line(("pass_mark",))
    if total <= 0:
        message = f"pass mark {pass_mark} is unreachable: the questions are worth 0 points"
        problems.append(Problem(file, line, message))
    elif pass_mark > 100:
        message = f"pass mark {pass_mark} is unreachable: it is a percentage (at most 100)"
        problems.append(Problem(file, line, message))
    return problems


def check_parsed(parsed: ParsedModule) -> list[Problem]:
    """Every problem of one module, except those needing the whole programme."""
    problems = list(parsed.problems)
    problems += check_module_file(parsed)
    problems += check_lessons(parsed)
    problems += check_links(parsed)
    problems += check_quiz(parsed)
    problems += check_assignment(parsed)
    return problems
