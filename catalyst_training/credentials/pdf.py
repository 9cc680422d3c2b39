"""The certificate as a PDF (ReportLab): one A4 page, embedded fonts, French, deterministic.

Rendered again from the recorded row each time: the same row gives the same bytes (ReportLab's
invariant mode fixes the document id and dates), so nothing but the row needs storing.
"""

from __future__ import annotations

import io
import itertools
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import reportlab
from babel.dates import format_date
from reportlab import rl_config
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

# Bitstream Vera ships with ReportLab itself: nothing to install beyond pip.
FONT_DIR = Path(reportlab.__file__).resolve().parent / "fonts"
REGULAR, BOLD = "CatalystSans", "CatalystSans-Bold"
PARIS = ZoneInfo("Europe/Paris")
INK, MUTED = (0.1, 0.1, 0.15), (0.3, 0.3, 0.35)  # contrast well above 4.5:1 on white
# Characters French typography uses that Vera lacks, mapped to ones it has.
SUBSTITUTES = {"\u202f": "\u00a0", "\u2009": " ", "\u2011": "-", "\u2212": "-"}


@dataclass(frozen=True)
class Printable:
    """What the page shows: the recorded certificate's own columns, nothing looked up."""

    code: str
    kind: str
    learner_name: str
    facts: dict[str, Any]
    issued_at: datetime


@cache
def fonts() -> frozenset[int]:
    """Register the embedded fonts once; the code points they can draw."""
    # Binary Flate streams only: ASCII85 on top (ReportLab's default) makes files a quarter
    # larger and costs its pure-Python encoder on every font subset. Only we use ReportLab.
    rl_config.useA85 = 0
    regular = TTFont(REGULAR, str(FONT_DIR / "Vera.ttf"))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "VeraBd.ttf")))
    return frozenset(regular.face.charToGlyph)


def drawable(text: str | None) -> str:
    """The text with every character the font lacks replaced (accents kept when it has them)."""
    known = fonts()
    out = []
    for ch in unicodedata.normalize("NFC", text or ""):
        ch = SUBSTITUTES.get(ch, ch)
        if ord(ch) in known or ch in "\n":
            out.append(ch)
        else:
            base = unicodedata.normalize("NFKD", ch)[:1]
            out.append(base if base and ord(base) in known else "?")
    return "".join(out)


def day(iso: str | datetime | None) -> str:
    """A date as French readers write it: 2 décembre 2026 (Paris time)."""
    if not iso:
        return "—"
    value = datetime.fromisoformat(iso) if isinstance(iso, str) else iso
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(PARIS).date()
    text = format_date(local, format="long", locale="fr")
    return "1er" + text[1:] if local.day == 1 else text


def duration(minutes: int) -> str:
    """12 h 30 (non-breaking spaces, as French typography wants)."""
    hours, rest = divmod(int(minutes or 0), 60)
    return f"{hours}\u00a0h\u00a0{rest:02d}" if rest else f"{hours}\u00a0h"


def verify_url(base_url: str, code: str) -> str:
    """The public page that checks a certificate."""
    return f"{base_url.rstrip('/')}/verify/{code}"


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most `width`, broken at plain spaces only (never at a non-breaking one)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        trial = f"{current} {word}" if current else word
        if not current or pdfmetrics.stringWidth(trial, font, size) <= width:
            current = trial
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


class _Page:
    """A cursor down the page, drawing wrapped lines."""

    def __init__(self, canvas: Canvas) -> None:
        self.c, self.y = canvas, A4[1] - 30 * mm
        self.left, self.width = 25 * mm, A4[0] - 50 * mm

    def text(self, value: str, size: float = 11, *, bold: bool = False, gap: float = 2) -> None:
        font = BOLD if bold else REGULAR
        for line in wrap(drawable(value), font, size, self.width):
            if self.y < 55 * mm:  # the foot of the page is the verification block's
                fill = self.c._fillColorObj
                self.c.showPage()
                self.c.setFillColor(fill)
                self.y = A4[1] - 25 * mm
            self.c.setFont(font, size)
            self.c.drawString(self.left, self.y, line)
            self.y -= size * 1.35
        self.y -= gap * mm

    def centred(self, value: str, size: float, *, bold: bool = False) -> None:
        self.c.setFont(BOLD if bold else REGULAR, size)
        self.c.drawCentredString(A4[0] / 2, self.y, drawable(value))
        self.y -= size * 1.6


def _place(facts: dict[str, Any]) -> list[str]:
    territory = facts.get("territory") or {}
    lines = [
        f"Session\u00a0: {facts['course_run']}" if facts.get("course_run") else "",
        f"Cohorte\u00a0: {facts['cohort']}" if facts.get("cohort") else "",
        (
            f"Territoire\u00a0: {territory.get('name')} ({territory.get('code')}, "
            f"{territory.get('region')})"
            if territory
            else ""
        ),
    ]
    return [line for line in lines if line]


def render(cert: Printable, base_url: str) -> bytes:
    """The PDF bytes of a certificate."""
    fonts()
    facts, out = cert.facts, io.BytesIO()
    programme = facts.get("programme") or ""
    modules = facts.get("modules", [])
    what = programme if cert.kind != "module" or not modules else modules[0]["title"]
    c = Canvas(out, pagesize=A4, invariant=1, pageCompression=1, lang="fr", initialFontName=REGULAR)
    c.setTitle(drawable(f"Certificat de réalisation — {cert.learner_name} — {what}"))
    c.setAuthor(drawable(facts.get("issuer") or ""))
    c.setSubject(drawable(f"Certificat de réalisation : {programme}"))
    c.setCreator("catalyst-training")
    c.setKeywords(["certificat de réalisation", cert.code])
    c.setFillColorRGB(*INK)
    page = _Page(c)
    page.centred("Certificat de réalisation", 24, bold=True)
    page.centred(drawable(facts.get("issuer") or ""), 12)
    page.y -= 8 * mm
    page.text("Nous certifions que", 12)
    page.text(cert.learner_name, 18, bold=True)
    scope = "a suivi et terminé le module" if cert.kind == "module" else "a suivi et terminé"
    page.text(
        f"{scope} « {what} »" + (f" du programme « {programme} »" if cert.kind == "module" else ""),
        12,
    )
    period = f"du {day(facts.get('started_at'))} au {day(facts.get('completed_at'))}"
    page.text(f"Réalisé {period}, pour une durée de {duration(facts.get('minutes', 0))}.", 12)
    for line in _place(facts):
        page.text(line, 10, gap=0)
    page.y -= 4 * mm
    page.text("Modules réalisés", 13, bold=True)
    for m in modules:
        score = f"{m['score']:.0f}\u00a0/\u00a0100" if m.get("score") is not None else "—"
        page.text(f"{m.get('order', '')}. {m['title']}", 11, bold=True, gap=0)
        c.setFillColorRGB(*MUTED)
        page.text(
            f"Terminé le {day(m.get('completed_at'))} · note {score} · "
            f"durée {duration(m.get('minutes', 0))}",
            10,
        )
        c.setFillColorRGB(*INK)
    page.y -= 4 * mm
    page.text(f"Délivré le {day(cert.issued_at)} par {facts.get('issuer') or ''}.", 11)
    _verification(c, verify_url(base_url, cert.code), cert.code)
    c.showPage()
    c.save()
    return out.getvalue()


def qr_modules(url: str) -> list[list[bool]]:
    """The QR code of a URL (level M) as rows of dark modules.

    A fixed mask pattern: scoring all eight (what the encoder does by default) costs most of the
    page's rendering time, and every mask decodes the same.
    """
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(url)
    qr.version = qr.calculate_version()
    qr.makeImpl(False, 0)
    return [list(map(bool, row)) for row in qr.modules]


def _verification(c: Canvas, url: str, code: str) -> None:
    """The code, its URL and a QR code at the foot of the page."""
    rows = qr_modules(url)
    size, left, bottom = 30 * mm, A4[0] - 25 * mm - 30 * mm, 18 * mm
    box = size / len(rows)
    path = c.beginPath()
    for r, row in enumerate(rows):
        y = bottom + size - (r + 1) * box
        col = 0
        for dark, run in itertools.groupby(row):
            width = len(list(run))
            if dark:
                path.rect(left + col * box, y, width * box, box)
            col += width
    c.drawPath(path, stroke=0, fill=1)
    c.setFont(BOLD, 11)
    c.drawString(25 * mm, 40 * mm, "Vérifier ce certificat")
    c.setFont(REGULAR, 10)
    c.drawString(25 * mm, 34 * mm, drawable(f"Code de vérification : {code}"))
    c.setFont(REGULAR, 9)
    for i, line in enumerate(simpleSplit(url, REGULAR, 9, A4[0] - 90 * mm)):  # may cut a URL
        c.drawString(25 * mm, (28 - 5 * i) * mm, line)
