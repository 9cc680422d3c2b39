"""Immutable objects of the programme: Module, Lesson, Quiz, Assignment and the rubric."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from markupsafe import Markup

from .markdown import Heading

EMPTY: Mapping[str, Any] = MappingProxyType({})


def freeze(value: Any) -> Any:
    """Read-only copy: dicts become mapping proxies, lists become tuples (recursively)."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """JSON-friendly copy of a frozen value (mappings to dicts, tuples to lists)."""
    if isinstance(value, Mapping):
        return {str(k): thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(v) for v in value]
    return value


@dataclass(frozen=True)
class Lesson:
    """One Markdown lesson, rendered with the default link resolver."""

    id: str
    title: str
    duration_minutes: int
    markdown: str
    html: Markup
    headings: tuple[Heading, ...]
    order: int
    objectives: tuple[str, ...] = ()

    @property
    def anchors(self) -> frozenset[str]:
        """Anchors of the lesson's h2/h3 sections."""
        return frozenset(h.anchor for h in self.headings)


@dataclass(frozen=True)
class Quiz:
    """The module's quiz; questions stay as in the YAML (frozen, feedback keys normalised)."""

    title: str
    pass_mark: float
    max_attempts: int | None
    grading: str
    cooldown_minutes: int
    shuffle_questions: bool
    shuffle_choices: bool
    review: Mapping[str, tuple[str, ...]]
    questions: tuple[Mapping[str, Any], ...]
    estimated_minutes: int = 0

    @property
    def max_points(self) -> float:
        """Sum of the questions' points."""
        return sum(q.get("points", 0) for q in self.questions)

    def question(self, question_id: str) -> Mapping[str, Any] | None:
        """The question with this id, or None."""
        return next((q for q in self.questions if q["id"] == question_id), None)


@dataclass(frozen=True)
class Level:
    """A level of a rubric criterion."""

    id: str
    title: str
    points: float
    descriptor: str


@dataclass(frozen=True)
class Criterion:
    """A rubric criterion and its levels (increasing points)."""

    id: str
    title: str
    description: str
    levels: tuple[Level, ...]

    @property
    def max_points(self) -> float:
        """Points of the best level."""
        return max((lv.points for lv in self.levels), default=0)


@dataclass(frozen=True)
class Approval:
    """The default decision rule of an assignment, applied by the review page."""

    min_share: float
    no_lowest_level: bool
    # The rubric the rule applies to (set by the loader), so that decides() needs only levels.
    rubric: tuple[Criterion, ...] = field(default=(), repr=False)

    def decides(self, levels: Mapping[str, str]) -> bool:
        """Whether these levels (criterion id -> level id) earn approval under the rule."""
        total = best = 0.0
        for criterion in self.rubric:
            best += criterion.max_points
            level = next((lv for lv in criterion.levels if lv.id == levels.get(criterion.id)), None)
            if level is None:
                return False  # an unscored criterion never earns approval
            total += level.points
            lowest = min(lv.points for lv in criterion.levels)
            if self.no_lowest_level and level.points <= lowest:
                return False
        return best > 0 and total + 1e-9 >= self.min_share * best


# Snapshots stored before the second edition carry no rule: the mentor decides alone.
LEGACY_APPROVAL = Approval(min_share=0.5, no_lowest_level=False)


@dataclass(frozen=True)
class GuideExample:
    """An annotated (invented) excerpt of a submission, for the mentor guide."""

    excerpt_html: Markup
    notes: tuple[str, ...]


@dataclass(frozen=True)
class MentorGuide:
    """What a mentor looks at first, and a good and a weak example."""

    focus_html: Markup
    good: GuideExample
    weak: GuideExample


@dataclass(frozen=True)
class Assignment:
    """The reflective assignment graded by a mentor with a rubric."""

    title: str
    prompt: str
    prompt_html: Markup
    guidance: str
    guidance_html: Markup
    requires_approval: bool
    attachment: Mapping[str, Any]
    rubric: tuple[Criterion, ...]
    estimated_minutes: int = 0
    approval: Approval = LEGACY_APPROVAL
    mentor_guide: MentorGuide | None = None

    @property
    def max_points(self) -> float:
        """Sum of the best level of each criterion."""
        return sum(c.max_points for c in self.rubric)


@dataclass(frozen=True)
class Resource:
    """A source or further reading of a module (https)."""

    title: str
    url: str
    publisher: str
    note: str = ""


@dataclass(frozen=True)
class Module:
    """A module of the programme, as read from its folder (or replayed from a snapshot)."""

    slug: str
    title: str
    summary: str
    objectives: tuple[str, ...]
    duration_minutes: int
    order: int
    prerequisites: tuple[str, ...]
    completion: Mapping[str, str]
    weighting: Mapping[str, int]
    lessons: tuple[Lesson, ...] = ()
    # How scores reach gradebooks: {"automatic_final": bool} (see module.json).
    passback: Mapping[str, bool] = field(default_factory=dict)
    quiz: Quiz | None = None
    assignment: Assignment | None = None
    version: str = ""
    path: Path | None = field(default=None, compare=False)
    key_points: tuple[str, ...] = ()
    resources: tuple[Resource, ...] = ()
    self_assessment: str | None = None  # "start" or "end": where the self-assessment is taken

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, or None."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)
