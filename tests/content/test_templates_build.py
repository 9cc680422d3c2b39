"""Field templates: built into ODT and PDF with their structure, byte-identical, stale found."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from odf import dc, opendocument, table, text
from odf.element import Element
from pypdf import PdfReader

from catalyst_training.content import templates_build
from catalyst_training.content.templates_build import TemplateError, build, build_all, stale

REAL = Path(__file__).resolve().parent.parent.parent / "modules"
SOURCE = """\
title: "Carte des acteurs du territoire"
intro: "À quoi sert cette fiche\u00a0: « repérer » les acteurs, l’enjeu et 20\u202f% du budget."
sections:
  - heading: "1. Le territoire retenu"
    help: "Un périmètre où des acteurs partagent un enjeu → voir la leçon."
    fields: ["Nom du territoire", "Périmètre retenu"]
  - heading: "2. Les acteurs"
    table: {columns: ["Acteur", "Famille", "Rôle", "Lien existant"], rows: 3}
"""


@pytest.fixture
def root(tmp_path) -> Path:
    """A programme folder with one module holding one template source."""
    folder = tmp_path / "modules" / "01-exemple" / "templates"
    folder.mkdir(parents=True)
    (folder / "carte-des-acteurs.yaml").write_text(SOURCE, encoding="utf-8")
    return tmp_path / "modules"


def _texts(node) -> list[str]:
    return [str(e) for e in node]


def test_odt_has_title_metadata_headings_fields_and_a_real_table(root):
    assert build_all(root)
    path = root / "01-exemple" / "assets" / "carte-des-acteurs.odt"
    doc = opendocument.load(str(path))
    assert _texts(doc.meta.getElementsByType(dc.Title)) == ["Carte des acteurs du territoire"]
    assert _texts(doc.meta.getElementsByType(dc.Language)) == ["fr"]
    headings = _texts(doc.text.getElementsByType(text.H))
    assert headings == ["Carte des acteurs du territoire", "1. Le territoire retenu",
                        "2. Les acteurs"]  # fmt: skip
    paragraphs = _texts(doc.text.getElementsByType(text.P))
    assert "Nom du territoire\u00a0:" in paragraphs and "Périmètre retenu\u00a0:" in paragraphs
    assert any("« repérer »" in p for p in paragraphs)
    [grid] = doc.text.getElementsByType(table.Table)
    [header] = grid.getElementsByType(table.TableHeaderRows)
    assert _texts(header.getElementsByType(table.TableCell)) == [
        "Acteur", "Famille", "Rôle", "Lien existant"]  # fmt: skip
    rows = [r for r in grid.getElementsByType(table.TableRow) if r.parentNode is grid]
    assert len(rows) == 3 and all(str(r) == "" for r in rows)


def test_pdf_has_title_metadata_headings_fields_and_columns_with_accents(root):
    build_all(root)
    reader = PdfReader(root / "01-exemple" / "assets" / "carte-des-acteurs.pdf")
    assert reader.metadata.title == "Carte des acteurs du territoire"
    assert reader.metadata.author == templates_build.CREATOR
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    words = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Carte des acteurs du territoire", "1. Le territoire retenu",
                     "2. Les acteurs", "Nom du territoire", "Périmètre retenu", "Acteur",
                     "Famille", "Rôle", "Lien existant", "repérer", "l’enjeu", "→"):  # fmt: skip
        assert expected in words, expected
    # Guillemets, colon and percent keep their (no-break) space: extraction reads it as a space.
    assert re.search(r"fiche\s:", words) and re.search(r"«\srepérer\s»", words)
    assert re.search(r"20\s%", words)
    assert b"FontFile2" in (root / "01-exemple" / "assets" / "carte-des-acteurs.pdf").read_bytes()


def test_rebuilding_gives_the_same_bytes_whatever_odfpy_saw_before(root):
    source = root / "01-exemple" / "templates" / "carte-des-acteurs.yaml"
    first = build(source)
    # Reading another ODT teaches odfpy's class-level registry new namespaces: no effect.
    Element.namespaces.pop("urn:oasis:names:tc:opendocument:xmlns:chart:1.0", None)
    opendocument.load(io.BytesIO(first[next(p for p in first if p.suffix == ".odt")]))
    second = build(source)
    assert first == second
    build_all(root)
    assert build_all(root) == []  # nothing changed: nothing rewritten


def test_check_names_the_stale_and_missing_files(root, cli):
    source = root / "01-exemple" / "templates" / "carte-des-acteurs.yaml"
    assets = root / "01-exemple" / "assets"
    result = cli("content", "templates", "--check", "--path", str(root))
    assert result.exit_code == 1 and "01-exemple/assets/carte-des-acteurs.odt" in result.output
    result = cli("content", "templates", "--path", str(root))
    assert result.exit_code == 0, result.output
    assert "2 file(s) written" in result.output
    assert cli("content", "templates", "--check", "--path", str(root)).exit_code == 0
    assert stale(root) == []
    source.write_text(SOURCE.replace("rows: 3", "rows: 4"), encoding="utf-8")
    assert sorted(p.name for p in stale(root)) == ["carte-des-acteurs.odt", "carte-des-acteurs.pdf"]
    result = cli("content", "templates", "--check", "--path", str(root))
    assert (
        result.exit_code == 1 and "stale: 01-exemple/assets/carte-des-acteurs.pdf" in result.output
    )
    assert (assets / "carte-des-acteurs.odt").is_file()


def test_a_source_outside_the_format_is_refused_with_its_file(root, cli):
    source = root / "01-exemple" / "templates" / "carte-des-acteurs.yaml"
    source.write_text(SOURCE.replace("heading:", "titre:", 1), encoding="utf-8")
    with pytest.raises(TemplateError, match=r"carte-des-acteurs\.yaml"):
        build(source)
    result = cli("content", "templates", "--path", str(root))
    assert result.exit_code == 1 and "carte-des-acteurs.yaml" in result.output


def test_a_character_no_pdf_font_has_is_refused(root):
    source = root / "01-exemple" / "templates" / "carte-des-acteurs.yaml"
    source.write_text(SOURCE.replace("Rôle", "Rôle ✓"), encoding="utf-8")
    with pytest.raises(TemplateError, match="✓"):
        build(source)


@pytest.mark.skipif(not templates_build.sources(REAL), reason="no template sources in modules/")
def test_the_programme_assets_are_built_from_their_sources():
    assert [str(p.relative_to(REAL)) for p in stale(REAL)] == []
