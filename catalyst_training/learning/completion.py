"""Pure progress rules: completion by the module's rule, weighted score, AGS progress mapping.

No database here: learning.progress gathers the facts, calls compute_progress() and persists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .grading import grade
from .models import APPROVED, COMPLETED, IN_PROGRESS, NOT_STARTED, SUBMITTED

# AGS vocabulary (https://www.imsglobal.org/spec/lti-ags/v2p0#score-publish-service)
INITIALIZED, STARTED, AGS_SUBMITTED, AGS_COMPLETED = (
    "Initialized",
    "Started",
    "Submitted",
    "Completed",
)
NOT_READY, PENDING, PENDING_MANUAL, FULLY_GRADED = (
    "NotReady",
    "Pending",
    "PendingManual",
    "FullyGraded",
)

# Completion keys learning itself checks; any other key is an extra rule of another domain.
CORE_RULES = ("lessons", "quiz", "assignment")


@dataclass(frozen=True)
class ProgressFacts:
    """What is known of one learner in one module, read from the database by the caller."""

    lessons_viewed: int = 0
    lessons_total: int = 0
    # Every attempt, finished or not: an open attempt alone means the learner has started.
    quiz_attempts_started: int = 0
    # Percent of each submitted attempt, in attempt order (the grading method depends on it).
    quiz_percents: tuple[float, ...] = ()
    has_quiz: bool = False
    quiz_grading: str = "highest"
    quiz_pass_mark: float = 0.0
    has_assignment: bool = False
    # The latest version of the work (None when nothing was ever started).
    assignment_state: str | None = None
    assignment_percent: float | None = None
    # The mentor's overall comment on the latest version (sent with the final score).
    assignment_feedback: str | None = None
    completion: Mapping[str, str] = field(default_factory=dict)
    weighting: Mapping[str, float] = field(default_factory=dict)
    # module.yaml passback.automatic_final: the automatic part is final (FullyGraded) at once.
    automatic_final: bool = False
    # Results of the extra rules checked so far; a required rule missing here does not hold.
    extra_rules: Mapping[str, bool] = field(default_factory=dict)
    # What the progress row holds before this evaluation (a score event records a change).
    recorded_score: float | None = None
    recorded_activity_progress: str | None = None
    recorded_grading_progress: str | None = None


@dataclass(frozen=True)
class ProgressOutcome:
    """Where the learner stands after applying the module's rules to the facts."""

    status: str
    started: bool
    completed: bool
    quiz_attempts: int
    best_quiz_percent: float | None
    quiz_grade: float | None
    quiz_passed: bool
    assignment_state: str | None
    score: float | None
    activity_progress: str
    grading_progress: str
    score_event_due: bool


def required_extra_rules(completion: Mapping[str, str]) -> list[str]:
    """Names of the extra completion rules a module asks for, in the module's order."""
    return [
        name
        for name, required in completion.items()
        if name not in CORE_RULES and required != "none"
    ]


def extra_rules_hold(completion: Mapping[str, str], results: Mapping[str, bool]) -> bool:
    """Every extra rule the module asks for holds (one without a result never does)."""
    return all(results.get(name, False) for name in required_extra_rules(completion))


def quiz_rule(facts: ProgressFacts) -> str:
    """The quiz rule in force: none when the module has no quiz."""
    return facts.completion.get("quiz", "none") if facts.has_quiz else "none"


def assignment_rule(facts: ProgressFacts) -> str:
    """The assignment rule in force: none when the module has no assignment."""
    return facts.completion.get("assignment", "none") if facts.has_assignment else "none"


def quiz_grade(facts: ProgressFacts) -> float | None:
    """The quiz grade by the quiz's grading method (None without a quiz or a finished attempt)."""
    return grade(list(facts.quiz_percents), facts.quiz_grading) if facts.has_quiz else None


def quiz_passed(facts: ProgressFacts) -> bool:
    """The quiz grade reaches the pass mark (never without a quiz or a finished attempt)."""
    grade_ = quiz_grade(facts)
    return grade_ is not None and grade_ >= facts.quiz_pass_mark


def is_started(facts: ProgressFacts) -> bool:
    """The learner did something in the module: a lesson viewed, an attempt or a work begun."""
    return bool(
        facts.lessons_viewed or facts.quiz_attempts_started or facts.assignment_state is not None
    )


def core_rules_met(facts: ProgressFacts) -> bool:
    """Lessons, quiz and assignment rules hold and the learner started (extra rules aside)."""
    rule = facts.completion
    lessons_ok = rule.get("lessons", "all") == "none" or facts.lessons_viewed >= facts.lessons_total
    q_rule = quiz_rule(facts)
    # Any rule other than none or passed (attempted) asks for one finished attempt.
    quiz_ok = q_rule == "none" or (
        quiz_passed(facts) if q_rule == "passed" else bool(facts.quiz_percents)
    )
    a_rule = assignment_rule(facts)
    if a_rule == "approved":
        assignment_ok = facts.assignment_state == APPROVED
    elif a_rule == "submitted":
        assignment_ok = facts.assignment_state in (SUBMITTED, APPROVED)
    else:
        assignment_ok = True
    return lessons_ok and quiz_ok and assignment_ok and is_started(facts)


def assignment_percent(state: str | None, percent: float | None) -> float:
    """The work's share of the score: its mark once approved (100 when unmarked), else 0."""
    if state != APPROVED:
        return 0.0
    return percent if percent is not None else 100.0


def weighted_score(facts: ProgressFacts, grade_: float | None) -> float | None:
    """The module score out of 100, once a quiz attempt is finished or the work approved."""
    if not facts.quiz_percents and facts.assignment_state != APPROVED:
        return None
    weights = facts.weighting
    quiz_part = weights.get("quiz", 0) * (grade_ or 0.0) / 100
    work = assignment_percent(facts.assignment_state, facts.assignment_percent)
    return round(quiz_part + weights.get("assignment", 0) * work / 100, 2)


def ags_progress(facts: ProgressFacts, started: bool, completed: bool) -> tuple[str, str]:
    """The AGS (activityProgress, gradingProgress) pair for the learner's state."""
    # Handed in and not yet graded by a mentor: the score is not final even when the module's
    # completion rule only asks for a submission (its grade weighs in the score).
    awaiting_mentor = facts.assignment_state == SUBMITTED and (
        assignment_rule(facts) == "approved" or facts.weighting.get("assignment", 0) > 0
    )
    if facts.automatic_final and quiz_grade(facts) is not None and not completed:
        # The quiz part counts as a grade now; the mentor's decision replaces it later.
        return (AGS_SUBMITTED if awaiting_mentor else STARTED), FULLY_GRADED
    if awaiting_mentor:
        return AGS_SUBMITTED, PENDING_MANUAL
    if completed:
        return AGS_COMPLETED, FULLY_GRADED
    if started:
        return STARTED, PENDING
    return INITIALIZED, NOT_READY


def compute_progress(facts: ProgressFacts) -> ProgressOutcome:
    """Apply the module's completion rule, weighting and AGS mapping to the facts."""
    started = is_started(facts)
    completed = core_rules_met(facts) and extra_rules_hold(facts.completion, facts.extra_rules)
    grade_ = quiz_grade(facts)
    score = weighted_score(facts, grade_)
    activity, grading = ags_progress(facts, started, completed)
    before = (
        facts.recorded_score,
        facts.recorded_activity_progress,
        facts.recorded_grading_progress,
    )
    return ProgressOutcome(
        status=COMPLETED if completed else (IN_PROGRESS if started else NOT_STARTED),
        started=started,
        completed=completed,
        quiz_attempts=len(facts.quiz_percents),
        best_quiz_percent=max(facts.quiz_percents, default=None),
        quiz_grade=grade_,
        quiz_passed=quiz_passed(facts),
        assignment_state=facts.assignment_state,
        score=score,
        activity_progress=activity,
        grading_progress=grading,
        score_event_due=started and (score, activity, grading) != before,
    )
