"""Field templates: `modules/NN-slug/templates/<name>.yaml` built into `assets/<name>.odt|.pdf`.

The binaries are generated, never hand-made, and reproducibly: the same source gives the same
bytes (no build date anywhere, fixed zip entries, ReportLab's invariant mode), so
`content templates --check` rebuilds into a temporary folder and names the committed files that
are stale.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from .assets import ASSETS_DIR
from .schema import schema

TEMPLATES_DIR = "templates"
CREATOR = "Programme de formation des catalyseurs territoriaux"
LANGUAGE = "fr"


class TemplateError(ValueError):
    """A template source that cannot be built (its file and what is wrong)."""


@dataclass(frozen=True)
class Section:
    """A part of a template: a heading, optional help, then labelled blanks or a table."""

    heading: str
    help: str = ""
    fields: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    rows: int = 0


@dataclass(frozen=True)
class Template:
    """A field template as read from its YAML source."""

    name: str
    title: str
    intro: str
    sections: tuple[Section, ...]


def sources(root: Path) -> list[Path]:
    """Every template source of the programme, by module folder then name."""
    return sorted(Path(root).glob(f"[0-9][0-9]-*/{TEMPLATES_DIR}/*.yaml"))


def load(path: Path) -> Template:
    """Read and validate one template source (TemplateError when it does not fit the schema)."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"{path}: {exc}") from exc
    errors = sorted(
        jsonschema.Draft202012Validator(schema("template")).iter_errors(data),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    if errors:
        where = "/".join(map(str, errors[0].absolute_path)) or "(top)"
        raise TemplateError(f"{path}: {where}: {errors[0].message}")
    sections = tuple(
        Section(
            heading=s["heading"],
            help=s.get("help", ""),
            fields=tuple(s.get("fields", ())),
            columns=tuple(s.get("table", {}).get("columns", ())),
            rows=int(s.get("table", {}).get("rows", 0)),
        )
        for s in data["sections"]
    )
    return Template(path.stem, data["title"], data["intro"], sections)


def outputs(source: Path) -> dict[str, Path]:
    """Where a source's built files go: {'odt': …/assets/<name>.odt, 'pdf': …}."""
    folder = source.parent.parent / ASSETS_DIR
    return {kind: folder / f"{source.stem}.{kind}" for kind in ("odt", "pdf")}


def _builders() -> dict[str, Callable[[Template], bytes]]:
    from .templates_odt import build_odt
    from .templates_pdf import build_pdf

    return {"odt": build_odt, "pdf": build_pdf}


def build(source: Path) -> dict[Path, bytes]:
    """The bytes of every file built from one source, by output path."""
    template = load(source)
    builders = _builders()
    return {path: builders[kind](template) for kind, path in outputs(source).items()}


def build_all(root: Path) -> list[Path]:
    """Build every template of the programme into its module's assets/ (only changed files)."""
    written = []
    for source in sources(root):
        for path, data in build(source).items():
            if not path.is_file() or path.read_bytes() != data:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                written.append(path)
    return written


def stale(root: Path) -> list[Path]:
    """The built files that are missing or differ from a fresh build of their source."""
    found = []
    with tempfile.TemporaryDirectory(prefix="templates-") as scratch:
        for source in sources(root):
            for path, data in build(source).items():
                # Written out and read back, as a committed file would be compared.
                copy = Path(scratch) / path.name
                copy.write_bytes(data)
                if not path.is_file() or path.read_bytes() != copy.read_bytes():
                    found.append(path)
    return found
