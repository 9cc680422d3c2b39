"""Immutable objects from the YAML data of a module (or from a stored snapshot of it)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from .markdown import render_markdown
from .objects import (
    LEGACY_APPROVAL,
    Approval,
    Assignment,
    Criterion,
    GuideExample,
    Level,
    MentorGuide,
    Module,
    Quiz,
    Resource,
    freeze,
)

DEFAULT_REVIEW = {"after_attempt": ["score"], "after_last": ["score", "correctness"]}
_NOT_GIVEN: Any = object()


def quiz_from(data: dict[str, Any]) -> Quiz:
    """The Quiz of a quiz.yaml mapping."""
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
        estimated_minutes=data.get("estimated_minutes", 0),
    )


def guide_from(guide: dict[str, Any] | None) -> MentorGuide | None:
    """The MentorGuide of an assignment.yaml `mentor_guide` mapping (Markdown rendered)."""
    if not guide:
        return None

    def example(key: str) -> GuideExample:
        part = guide.get(key) or {}
        return GuideExample(
            render_markdown(part.get("excerpt") or ""), tuple(part.get("notes") or ())
        )

    return MentorGuide(
        render_markdown(guide["focus"]), example("good_example"), example("weak_example")
    )


def assignment_from(
    data: dict[str, Any], html: dict[str, str] | None = None, guide: Any = _NOT_GIVEN
) -> Assignment:
    """The Assignment of an assignment.yaml mapping; html and guide: already rendered parts."""
    html = html or {k: str(render_markdown(data.get(k) or "")) for k in ("prompt", "guidance")}
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
    rule = data.get("approval")
    approval = (
        Approval(rule["min_share"], rule["no_lowest_level"], rubric)
        if rule
        else Approval(LEGACY_APPROVAL.min_share, LEGACY_APPROVAL.no_lowest_level, rubric)
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
        estimated_minutes=data.get("estimated_minutes", 0),
        approval=approval,
        mentor_guide=guide_from(data.get("mentor_guide")) if guide is _NOT_GIVEN else guide,
    )


def module_from(data: dict[str, Any], **parts: Any) -> Module:
    """The Module of a module.yaml mapping, with its lessons, quiz and assignment as parts."""
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
        key_points=tuple(data.get("key_points") or ()),
        resources=tuple(
            Resource(r["title"], r["url"], r["publisher"], r.get("note", ""))
            for r in data.get("resources") or ()
        ),
        self_assessment=data.get("self_assessment"),
        **parts,
    )
