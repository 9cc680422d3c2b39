"""Completion-record exports: the same streamed files for the web download, the CLI and bench."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from ..content.services import current_versions
from ..mentoring import audit
from . import records
from .filters import Filters
from .formats import ExportFormat, get_format
from .schema import COLUMNS, detail_rows, kinds_of, summary_header, summary_rows


@dataclass
class ExportRequest:
    """What to export and how."""

    filters: Filters
    format: str = "csv"
    summary: bool = False
    personal: bool = False
    separator: str = ";"


@dataclass
class Export:
    """A prepared export: file name, media type, the header, and the rows counted as they go."""

    request: ExportRequest
    writer: ExportFormat
    filename: str
    header: list[str]
    rows: Iterator[list]
    written: int = 0
    done: bool = False
    details: dict = field(default_factory=dict)

    def _counted(self) -> Iterator[list]:
        for row in self.rows:
            self.written += 1
            yield row
        self.done = True

    def chunks(self) -> Iterator[bytes]:
        """The file's bytes, streamed."""
        return self.writer.stream(self.header, self._counted(), kinds_of(self.header))


def prepare(request: ExportRequest, now: datetime, *, rows_hint: int = 0) -> Export:
    """Build an export (no row is read until its chunks are iterated)."""
    writer = get_format(request.format, separator=request.separator, rows_hint=rows_hint)
    mentors = records.mentors_by_cohort(request.personal)
    raw = records.raw_rows(request.filters, personal=request.personal)
    details = detail_rows(raw, mentors)
    if request.summary:
        slugs = [v.slug for v in current_versions()]
        header, rows = summary_header(slugs), summary_rows(details, slugs)
    else:
        header, rows = list(COLUMNS), details
    kind = "summary" if request.summary else "completions"
    filename = f"{kind}-{now:%Y%m%d-%H%M}.{writer.extension}"
    return Export(request, writer, filename, header, rows)


def record_export(actor_id: int | None, export: Export, now: datetime, via: str) -> None:
    """Append the export to the audit log: who, filters, rows (flush only)."""
    req = export.request
    audit.record(
        actor_id,
        "export.completions",
        f"export:{req.format}",
        now,
        details={
            "via": via,
            "format": req.format,
            "summary": req.summary,
            "personal_data": req.personal,
            "filters": req.filters.as_dict(),
            "rows": export.written,
            "complete": export.done,
        },
    )


def with_audit(export: Export, finish: Callable[[], None]) -> Iterator[bytes]:
    """Stream the export's chunks, then call `finish` (record and commit), even if cut short."""
    try:
        yield from export.chunks()
    finally:
        finish()
