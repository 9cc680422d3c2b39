"""Reading an imported CSV file: size limits, encoding, delimiter, line-precise errors."""

from __future__ import annotations

import csv
import io

COLUMNS = ("type", "context", "territory", "name", "region", "cohort", "starts_on", "ends_on",
           "sub")  # fmt: skip
MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 5000
MAX_FIELD = 1000


def decode(raw: bytes) -> tuple[str, list[tuple[int, str]]]:
    """The file's text, or a line-precise error when it is too large or not UTF-8."""
    if len(raw) > MAX_BYTES:
        line = raw[:MAX_BYTES].count(b"\n") + 1
        return "", [(line, f"the file is over {MAX_BYTES // (1024 * 1024)} MiB from this line")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return "", [(raw[: exc.start].count(b"\n") + 1, "not UTF-8 text")]


def _oversized(values: dict) -> str | None:
    for key, value in values.items():  # extra cells of a line come as a list under None
        for item in value if isinstance(value, list) else [value]:
            if len(item or "") > MAX_FIELD:
                return str(key or "an extra cell")[:40]
    return None


def read_rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    """(line number, values) per data line; `;` or `,` separated, UTF-8 (BOM allowed)."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        names = reader.fieldnames or []
        if "type" not in names:
            return [], [(1, f"missing column(s): type; expected {';'.join(COLUMNS)}")]
        if any(len(n) > MAX_FIELD for n in names):
            return [], [(1, f"a column name is over {MAX_FIELD} characters")]
        for values in reader:
            if reader.line_num > MAX_LINES:
                return [], [(reader.line_num, f"more than {MAX_LINES} lines")]
            if long := _oversized(values):
                return [], [(reader.line_num, f"{long} is over {MAX_FIELD} characters")]
            clean = {k: (v or "").strip() for k, v in values.items() if isinstance(v, str) and k}
            if any(clean.values()):
                rows.append((reader.line_num, clean))
    except csv.Error as exc:  # a field over the csv module's own limit, a NUL byte...
        return [], [(reader.reader.line_num, f"unreadable CSV line: {exc}")]
    return rows, []
