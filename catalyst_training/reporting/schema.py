"""The completion-record column schema (contract: documented in README "Completion records")."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

# Stable keys, in order: the header row of every format and the JSON Lines keys.
COLUMNS = (
    "platform", "context", "learner_sub", "learner_name", "learner_email",
    "territory_code", "territory", "region", "cohort", "mentors",
    "module_slug", "module_title", "module_version", "status",
    "lessons_viewed", "lessons_total", "best_quiz_percent", "quiz_attempts",
    "assignment_state", "score", "decided_at", "decided_by", "completed_at",
    "score_delivered_at",
)  # fmt: skip
LEARNER_COLUMNS = COLUMNS[:10]
FLOATS = frozenset({"best_quiz_percent", "score"})
NUMBERS = FLOATS | {"lessons_viewed", "lessons_total", "quiz_attempts", "modules_completed"}
DATES = frozenset({"decided_at", "completed_at", "score_delivered_at"})
# Values the tool itself constrains (enums, validated slugs and codes): never formulas.
CODES = frozenset({"status", "assignment_state", "module_slug", "module_version", "territory_code"})
MODULE_FIELDS = ("status", "best_quiz_percent", "score", "completed_at")
NOT_STARTED = "not_started"


def detail_rows(rows: Iterable[tuple], mentors: dict[int, str]) -> Iterator[list]:
    """Schema-ordered lists from statement rows (the SQL did the formatting), mentors added."""
    width = len(COLUMNS)
    mentors_at = COLUMNS.index("mentors")
    for row in rows:
        values = list(row[:width])
        cohort_id = row[width]
        if cohort_id is not None:
            values[mentors_at] = mentors.get(cohort_id)
        yield values


def kinds_of(header: list[str]) -> list[str]:
    """'float', 'int', 'date' or 'text' per column (writers neutralise text cells only)."""
    out = []
    for key in header:
        field = key.rsplit(":", 1)[-1]
        if field in FLOATS:
            out.append("float")
        elif field in NUMBERS:
            out.append("int")
        elif field in DATES:
            out.append("date")
        elif field in CODES:
            out.append("code")
        else:
            out.append("text")
    return out


def summary_header(slugs: list[str]) -> list[str]:
    """Learner columns, modules_completed, then `<slug>:<field>` per module."""
    head = [*LEARNER_COLUMNS, "modules_completed"]
    for slug in slugs:
        head.extend(f"{slug}:{field}" for field in MODULE_FIELDS)
    return head


_INDEX = {key: i for i, key in enumerate(COLUMNS)}
_FIELD_INDEX = [_INDEX[f] for f in MODULE_FIELDS]


def summary_rows(details: Iterable[list], slugs: list[str]) -> Iterator[list]:
    """Group consecutive detail rows of one learner into one summary row."""
    position = {slug: i for i, slug in enumerate(slugs)}
    width = len(MODULE_FIELDS)
    current_key: tuple | None = None
    row: list = []  # never empty once a learner's first detail row is read
    for detail in details:
        key = (detail[0], detail[1], detail[2])
        if key != current_key:
            if row:
                yield row
            current_key = key
            row = [*detail[: len(LEARNER_COLUMNS)], 0] + [None] * (width * len(slugs))
        at = position.get(detail[_INDEX["module_slug"]])
        if at is None:
            continue
        start = len(LEARNER_COLUMNS) + 1 + at * width
        for offset, index in enumerate(_FIELD_INDEX):
            row[start + offset] = detail[index]
        if detail[_INDEX["status"]] == "completed":
            row[len(LEARNER_COLUMNS)] += 1
    if row:
        yield row
