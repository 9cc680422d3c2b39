"""Export formats (a registry): each streams bytes from a header and typed rows."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

DANGEROUS = frozenset("=+-@\t\r")
FLUSH_BYTES = 64 * 1024


def neutralise(value: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would read as a formula (= + - @ tab CR)."""
    return "'" + value if value and value[0] in DANGEROUS else value


class ExportFormat:
    """Base class: a name, a file extension, a media type and a streaming writer."""

    name = ""
    extension = ""
    mimetype = "application/octet-stream"

    def __init__(self, *, separator: str = ";", rows_hint: int = 0) -> None:
        self.separator = separator
        self.rows_hint = rows_hint

    def stream(
        self, header: list[str], rows: Iterable[list], kinds: list[str] | None = None
    ) -> Iterator[bytes]:
        """Yield the file's bytes, a chunk at a time; kinds name each column's type."""
        raise NotImplementedError


class CsvFormat(ExportFormat):
    """UTF-8 with BOM; `;` and decimal comma by default (French Excel), `,` and point on request."""

    name, extension, mimetype = "csv", "csv", "text/csv; charset=utf-8"

    def stream(
        self, header: list[str], rows: Iterable[list], kinds: list[str] | None = None
    ) -> Iterator[bytes]:
        """Yield the CSV in chunks of about 64 KiB."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.separator, lineterminator="\r\n")
        writer.writerow(header)
        yield b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        kinds = kinds or ["text"] * len(header)
        texts = [i for i, k in enumerate(kinds) if k == "text"]
        floats = [i for i, k in enumerate(kinds) if k == "float"] if self.separator == ";" else []
        for row in rows:
            for i in texts:
                value = row[i]
                if value and value[0] in DANGEROUS:
                    row[i] = "'" + value
            for i in floats:
                value = row[i]
                if value is not None:
                    row[i] = repr(value).replace(".", ",")
            writer.writerow(row)
            if buffer.tell() > FLUSH_BYTES:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue().encode("utf-8")


class JsonLinesFormat(ExportFormat):
    """One JSON object per line, keys as in the header (no spreadsheet: no neutralising)."""

    name, extension, mimetype = "json", "jsonl", "application/x-ndjson; charset=utf-8"

    def stream(
        self, header: list[str], rows: Iterable[list], kinds: list[str] | None = None
    ) -> Iterator[bytes]:
        """Yield the lines in chunks."""
        parts: list[str] = []
        size = 0
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        for row in rows:
            line = dumps(dict(zip(header, row, strict=True)))
            parts.append(line)
            size += len(line)
            if size > FLUSH_BYTES:
                yield ("\n".join(parts) + "\n").encode("utf-8")
                parts, size = [], 0
        if parts:
            yield ("\n".join(parts) + "\n").encode("utf-8")


def _registry() -> dict[str, type[ExportFormat]]:
    from .sheets import OdsFormat, XlsxFormat

    return {f.name: f for f in (CsvFormat, XlsxFormat, OdsFormat, JsonLinesFormat)}


def get_format(name: str, **options) -> ExportFormat:
    """An instance of the named format (KeyError when unknown)."""
    return _registry()[name](**options)


FORMAT_NAMES = ("csv", "xlsx", "ods", "json")
