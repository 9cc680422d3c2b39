"""The JSON Schemas of the module files and their errors as `file:line: message` problems."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from .source import Document, Path_, Problem

KINDS = ("module", "lesson", "quiz", "assignment", "template", "glossary", "self_assessment")
_JSON_TYPES = {
    bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
    dict: "object", type(None): "null",
}  # fmt: skip


@cache
def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema shipped for a file kind (module, lesson, quiz, assignment)."""
    text = resources.files(__package__).joinpath("schemas", f"{kind}.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator(kind: str) -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(schema(kind))


def format_path(path: Path_) -> str:
    """questions[0].choices[1] style location of a value."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _describe(error: jsonschema.ValidationError) -> Iterator[tuple[Path_, str]]:
    path = tuple(error.absolute_path)
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        for key in value:
            if key not in known:
                yield (*path, key), f'unknown key "{key}"'
        return
    if kind == "required":
        for key in expected:
            if key not in value:
                yield path, f'missing key "{key}"'
        return
    if kind == "type":
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        message = f"expected {wanted}, got {_json_type(value)}"
    elif kind == "enum":
        message = f"must be one of {', '.join(map(str, expected))} (got {value!r})"
    elif kind == "pattern":
        message = f"{value!r} does not match {expected}"
    elif kind == "minItems":
        message = f"needs at least {expected} item{'s' if expected > 1 else ''}"
    elif kind == "maxItems":
        message = f"needs at most {expected} item{'s' if expected > 1 else ''}"
    elif kind == "oneOf":
        keys = [k for sub in expected for k in sub.get("required", ())]
        message = f"needs exactly one of: {', '.join(keys)}"
    elif kind == "minLength":
        message = "must not be empty"
    elif kind == "minimum":
        message = f"must be at least {expected} (got {value})"
    elif kind == "maximum":
        message = f"must be at most {expected} (got {value})"
    elif kind == "exclusiveMinimum":
        message = f"must be more than {expected} (got {value})"
    elif kind == "uniqueItems":
        message = "items must be unique"
    else:
        message = error.message
    yield path, message


def validate(doc: Document, kind: str, file: str) -> list[Problem]:
    """Schema problems of a parsed document, each on the line of the offending key."""
    problems = []
    for error in _validator(kind).iter_errors(doc.data):
        for path, message in _describe(error):
            where = format_path(path[:-1] if message.startswith("unknown key") else path)
            text = f"{where}: {message}" if where else message
            problems.append(Problem(file, doc.line(path), text))
    return sorted(set(problems), key=lambda p: (p.line, p.message))
