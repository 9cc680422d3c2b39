"""Module snapshots: the JSON stored with each content version, replayed to grade old attempts."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from .build import assignment_from, module_from, quiz_from
from .markdown import Heading
from .objects import GuideExample, Lesson, MentorGuide, Module, thaw


def _example(example: GuideExample) -> dict[str, Any]:
    return {"excerpt_html": str(example.excerpt_html), "notes": list(example.notes)}


def _guide_to_json(guide: MentorGuide | None) -> dict[str, Any] | None:
    if guide is None:
        return None
    return {
        "focus_html": str(guide.focus_html),
        "good": _example(guide.good),
        "weak": _example(guide.weak),
    }


def _guide_from_json(data: dict[str, Any] | None) -> MentorGuide | None:
    if not data:
        return None

    def example(part: dict[str, Any]) -> GuideExample:
        # Sanitised when the snapshot was made.
        return GuideExample(Markup(part["excerpt_html"]), tuple(part["notes"]))  # noqa: S704

    focus = Markup(data["focus_html"])  # noqa: S704 - sanitised when the snapshot was made
    return MentorGuide(focus, example(data["good"]), example(data["weak"]))


def _quiz_to_json(module: Module) -> dict[str, Any] | None:
    if module.quiz is None:
        return None
    fields = ("title", "pass_mark", "max_attempts", "grading", "cooldown_minutes")
    quiz = {k: getattr(module.quiz, k) for k in fields}
    quiz["shuffle_questions"] = module.quiz.shuffle_questions
    quiz["shuffle_choices"] = module.quiz.shuffle_choices
    quiz["review"] = thaw(module.quiz.review)
    quiz["questions"] = thaw(module.quiz.questions)
    quiz["estimated_minutes"] = module.quiz.estimated_minutes
    return quiz


def _assignment_to_json(module: Module) -> dict[str, Any] | None:
    if (a := module.assignment) is None:
        return None
    rubric = [
        {
            "id": c.id,
            "title": c.title,
            "description": c.description,
            "levels": [vars(lv).copy() for lv in c.levels],
        }
        for c in a.rubric
    ]
    return {
        "title": a.title,
        "prompt": a.prompt,
        "prompt_html": str(a.prompt_html),
        "guidance": a.guidance,
        "guidance_html": str(a.guidance_html),
        "requires_approval": a.requires_approval,
        "attachment": thaw(a.attachment),
        "rubric": rubric,
        "estimated_minutes": a.estimated_minutes,
        "approval": {
            "min_share": a.approval.min_share,
            "no_lowest_level": a.approval.no_lowest_level,
        },
        "mentor_guide": _guide_to_json(a.mentor_guide),
    }


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
            "objectives": list(lesson.objectives),
        }
        for lesson in module.lessons
    ]
    return {
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
        "key_points": list(module.key_points),
        "resources": [vars(r).copy() for r in module.resources],
        "self_assessment": module.self_assessment,
        "version": module.version,
        "lessons": lessons,
        "quiz": _quiz_to_json(module),
        "assignment": _assignment_to_json(module),
    }


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
            objectives=tuple(item.get("objectives") or ()),
        )
        for item in snapshot["lessons"]
    )
    a = snapshot.get("assignment")
    assignment = None
    if a:
        html = {"prompt": a["prompt_html"], "guidance": a["guidance_html"]}
        assignment = assignment_from(a, html, _guide_from_json(a.get("mentor_guide")))
    return module_from(
        snapshot,
        lessons=lessons,
        quiz=quiz_from(snapshot["quiz"]) if snapshot.get("quiz") else None,
        assignment=assignment,
        version=snapshot.get("version", ""),
    )
