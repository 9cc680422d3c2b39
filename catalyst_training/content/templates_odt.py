"""A field template as an OpenDocument text (odfpy), byte-identical for the same source."""

from __future__ import annotations

import io
import zipfile

from odf import dc, meta, style, table, text
from odf.element import Element
from odf.namespaces import nsdict
from odf.opendocument import OpenDocumentText

from .templates_build import CREATOR, LANGUAGE, Template

# Every zip entry carries this date (the zip format's earliest), so no build time leaks in.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
BORDER = "0.5pt solid #000000"


def _styles(doc: OpenDocumentText) -> dict[str, style.Style]:
    page = style.PageLayout(name="A4")
    page.addElement(style.PageLayoutProperties(
        pagewidth="21cm", pageheight="29.7cm", printorientation="portrait",
        margintop="1.8cm", marginbottom="1.8cm", marginleft="1.8cm", marginright="1.8cm",
    ))  # fmt: skip
    doc.automaticstyles.addElement(page)
    doc.masterstyles.addElement(style.MasterPage(name="Standard", pagelayoutname=page))
    found = {}

    def add(name, family, parent=None, text_props=None, para_props=None, cell_props=None):
        made = style.Style(
            name=name, family=family, **({"parentstylename": parent} if parent else {})
        )
        if para_props:
            made.addElement(style.ParagraphProperties(**para_props))
        if text_props:
            made.addElement(style.TextProperties(**{"language": LANGUAGE, "country": "FR",
                                                    **text_props}))  # fmt: skip
        if cell_props:
            made.addElement(style.TableCellProperties(**cell_props))
        doc.styles.addElement(made)
        found[name] = made
        return made

    add("Standard", "paragraph", text_props={"fontsize": "10.5pt", "fontfamily": "Liberation Sans"})
    add("Title", "paragraph", "Standard", {"fontsize": "18pt", "fontweight": "bold"},
        {"marginbottom": "0.3cm"})  # fmt: skip
    add("Heading_20_2", "paragraph", "Standard", {"fontsize": "13pt", "fontweight": "bold"},
        {"margintop": "0.5cm", "marginbottom": "0.2cm", "keepwithnext": "always"})  # fmt: skip
    add("Intro", "paragraph", "Standard", {}, {"marginbottom": "0.3cm"})
    add("Help", "paragraph", "Standard", {"fontstyle": "italic"}, {"marginbottom": "0.2cm"})
    add("FieldLabel", "paragraph", "Standard", {"fontweight": "bold"},
        {"margintop": "0.25cm", "keepwithnext": "always"})  # fmt: skip
    # A blank line to write on: an empty paragraph with a rule under it.
    add("FieldLine", "paragraph", "Standard", {},
        {"borderbottom": BORDER, "padding": "0.35cm", "marginbottom": "0.1cm"})  # fmt: skip
    add("TableHeading", "paragraph", "Standard", {"fontweight": "bold", "fontsize": "9.5pt"})
    add("TableContents", "paragraph", "Standard", {"fontsize": "9.5pt"})
    add("Cell", "table-cell", cell_props={"border": BORDER, "padding": "0.12cm"})
    row = style.Style(name="EmptyRow", family="table-row")
    row.addElement(style.TableRowProperties(minrowheight="0.9cm"))
    doc.automaticstyles.addElement(row)
    found["EmptyRow"] = row
    return found


def _metadata(doc: OpenDocumentText, template: Template) -> None:
    doc.meta.addElement(dc.Title(text=template.title))
    doc.meta.addElement(dc.Description(text=template.intro))
    doc.meta.addElement(dc.Language(text=LANGUAGE))
    doc.meta.addElement(meta.InitialCreator(text=CREATOR))
    doc.meta.addElement(dc.Creator(text=CREATOR))


def _table(doc, s: dict, number: int, section) -> None:
    grid = table.Table(name=f"Tableau{number}")
    grid.addElement(table.TableColumn(numbercolumnsrepeated=len(section.columns)))
    header = table.TableHeaderRows()
    head_row = table.TableRow()
    for column in section.columns:
        cell = table.TableCell(stylename=s["Cell"], valuetype="string")
        cell.addElement(text.P(stylename=s["TableHeading"], text=column))
        head_row.addElement(cell)
    header.addElement(head_row)
    grid.addElement(header)
    for _ in range(section.rows):
        row = table.TableRow(stylename=s["EmptyRow"])
        for _column in section.columns:
            cell = table.TableCell(stylename=s["Cell"], valuetype="string")
            cell.addElement(text.P(stylename=s["TableContents"]))
            row.addElement(cell)
        grid.addElement(row)
    doc.text.addElement(grid)


def _normalised_zip(raw: bytes) -> bytes:
    """The same archive with fixed dates, fixed order (mimetype first) and no compression."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    names = source.namelist()
    ordered = ["mimetype", *sorted(n for n in names if n != "mimetype")]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, FIXED_DATE)
            # Stored, not deflated: the bytes then do not depend on the zlib build either.
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


def build_odt(template: Template) -> bytes:
    """The template as an ODT: title, intro, headings, labelled blanks and real tables."""
    doc = OpenDocumentText()
    s = _styles(doc)
    _metadata(doc, template)
    doc.text.addElement(text.H(outlinelevel=1, stylename=s["Title"], text=template.title))
    doc.text.addElement(text.P(stylename=s["Intro"], text=template.intro))
    tables = 0
    for section in template.sections:
        doc.text.addElement(
            text.H(outlinelevel=2, stylename=s["Heading_20_2"], text=section.heading)
        )
        if section.help:
            doc.text.addElement(text.P(stylename=s["Help"], text=section.help))
        for label in section.fields:
            doc.text.addElement(text.P(stylename=s["FieldLabel"], text=f"{label}\u00a0:"))
            doc.text.addElement(text.P(stylename=s["FieldLine"]))
        if section.columns:
            tables += 1
            _table(doc, s, tables, section)
    # odfpy declares on every document each namespace any document of the process has used
    # (a class-level dict): pin it to the full known set so the bytes do not depend on history.
    Element.namespaces.clear()
    Element.namespaces.update(sorted(nsdict.items()))
    raw = io.BytesIO()
    doc.write(raw)
    return _normalised_zip(raw.getvalue())
