"""A field template as a PDF (ReportLab platypus, embedded Vera TTF), reproducible byte for byte."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.rl_codecs import RL_Codecs
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .templates_build import CREATOR, LANGUAGE, Template, TemplateError

FONT = "CatalystVera"
# Bitstream Vera (shipped in ReportLab's package) has no narrow no-break space: a no-break
# space keeps the same rule (no line break before « : » or « % »).
SUBSTITUTES = {"\u202f": "\u00a0", "\u2009": " "}
WIDTH = A4[0] - 3.6 * cm


@cache
def _fonts() -> TTFont:
    RL_Codecs.register()
    folder = Path(reportlab.__file__).parent / "fonts"
    faces = {"": "Vera.ttf", "-Bold": "VeraBd.ttf", "-Italic": "VeraIt.ttf",
             "-BoldItalic": "VeraBI.ttf"}  # fmt: skip
    for suffix, file in faces.items():
        pdfmetrics.registerFont(TTFont(FONT + suffix, str(folder / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Italic",
                                  boldItalic=f"{FONT}-BoldItalic")  # fmt: skip
    return pdfmetrics.getFont(FONT)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=10, leading=13.5)
    return {
        "title": ParagraphStyle("title", base, fontName=f"{FONT}-Bold", fontSize=17, leading=21,
                                spaceAfter=8),
        "intro": ParagraphStyle("intro", base, spaceAfter=8),
        "heading": ParagraphStyle("heading", base, fontName=f"{FONT}-Bold", fontSize=12.5,
                                  leading=16, spaceBefore=10, spaceAfter=4),
        "help": ParagraphStyle("help", base, fontName=f"{FONT}-Italic", spaceAfter=4),
        "label": ParagraphStyle("label", base, fontName=f"{FONT}-Bold"),
        "th": ParagraphStyle("th", base, fontName=f"{FONT}-Bold", fontSize=8.5, leading=10.5),
    }  # fmt: skip


def _symbol(ch: str) -> bool:
    try:
        ch.encode("symbol")
    except (UnicodeError, LookupError):
        return False
    return True


def _clean(value: str, font: TTFont) -> str:
    """Paragraph markup of a text: escaped, and arrows Vera lacks drawn from the Symbol font."""
    out, missing = [], set()
    for ch in (SUBSTITUTES.get(c, c) for c in value):
        if ch == "\n" or ord(ch) in font.face.charToGlyph:
            out.append(escape(ch))
        elif _symbol(ch):
            # One of the PDF standard fonts, present in every reader (→, ⇒, ≤…).
            out.append(f'<font name="Symbol">{ch}</font>')
        else:
            missing.add(ch)
    if missing:
        raise TemplateError(f"characters missing from the PDF fonts: {' '.join(sorted(missing))}")
    return "".join(out)


def _fields(labels, st, font) -> Table:
    rows = [[Paragraph(_clean(label, font) + "\u00a0:", st["label"]), ""] for label in labels]
    grid = Table(rows, colWidths=[6.2 * cm, WIDTH - 6.2 * cm], rowHeights=None)
    grid.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LINEBELOW", (1, 0), (1, -1), 0.5, colors.black),
        ("TOPPADDING", (0, 0), (-1, -1), 9),
    ]))  # fmt: skip
    return grid


def _table(section, st, font) -> Table:
    header = [Paragraph(_clean(c, font), st["th"]) for c in section.columns]
    rows = [header] + [[""] * len(section.columns) for _ in range(section.rows)]
    width = WIDTH / len(section.columns)
    grid = Table(rows, colWidths=[width] * len(section.columns), repeatRows=1,
                 rowHeights=[None] + [0.85 * cm] * section.rows)  # fmt: skip
    grid.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
    ]))  # fmt: skip
    return grid


def build_pdf(template: Template) -> bytes:
    """The template as an A4 PDF: title, intro, headings, labelled blank lines and tables."""
    font = _fonts()
    st = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm, topMargin=1.8 * cm,
        bottomMargin=1.8 * cm, title=template.title, author=CREATOR, creator=CREATOR,
        subject=template.intro, lang=LANGUAGE,
        # invariant: no creation date or random document id, so the bytes depend on the source;
        # uncompressed streams so that they do not depend on the zlib build either.
        invariant=1, pageCompression=0,
    )  # fmt: skip
    story = [Paragraph(_clean(template.title, font), st["title"]),
             Paragraph(_clean(template.intro, font), st["intro"])]  # fmt: skip
    for section in template.sections:
        head = [Paragraph(_clean(section.heading, font), st["heading"])]
        if section.help:
            head.append(Paragraph(_clean(section.help, font), st["help"]))
        if section.fields:
            story.append(KeepTogether([*head, _fields(section.fields, st, font)]))
        else:
            story.append(KeepTogether(head))
        if section.columns:
            story.append(_table(section, st, font))
        story.append(Spacer(1, 4))
    doc.build(story)
    return out.getvalue()
