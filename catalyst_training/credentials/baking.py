"""The badge image (Pillow) and Open Badges "baking": the signed credential inside the PNG.

OB 3.0 baking puts the credential in an iTXt chunk with the keyword `openbadgecredential`; its
text is the compact VC-JWT, so the image alone can be verified. The same drawing, unbaked, is the
achievement's image.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import reportlab
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

KEYWORD = "openbadgecredential"
SIZE = 480
FONT_DIR = Path(reportlab.__file__).resolve().parent / "fonts"
# White on this blue is about 11:1, well above WCAG AA's 4.5:1 for the small lines.
BACKGROUND, RING, TEXT = (29, 53, 87), (241, 196, 15), (255, 255, 255)


@cache
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    # The Vera fonts ship with ReportLab (as for the PDF): accents, œ, « » without a system font.
    return ImageFont.truetype(str(FONT_DIR / ("VeraBd.ttf" if bold else "Vera.ttf")), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, lines: int) -> list[str]:
    """Words on at most `lines` lines of `width` pixels (the last one cut with an ellipsis)."""
    found: list[str] = []
    for word in text.split():
        if found and draw.textlength(f"{found[-1]} {word}", font=font) <= width:
            found[-1] = f"{found[-1]} {word}"
        else:
            found.append(word)
    if len(found) > lines:
        found = [*found[: lines - 1], " ".join(found[lines - 1 :])]
    if found and draw.textlength(found[-1], font=font) > width:
        last = found[-1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        found[-1] = last.rstrip() + "…"
    return found


def draw(title: str, subtitle: str, issuer: str) -> Image.Image:
    """The badge: a disc with the achievement's title, what it belongs to and the issuer."""
    image = Image.new("RGB", (SIZE, SIZE), (255, 255, 255))
    pen = ImageDraw.Draw(image)
    pen.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=RING)
    pen.ellipse((24, 24, SIZE - 24, SIZE - 24), fill=BACKGROUND)
    small, big = _font(False, 17), _font(True, 30)
    centre = SIZE // 2
    pen.text((centre, 92), "Badge numérique", font=_font(True, 19), fill=TEXT, anchor="mm")
    lines = _wrap(pen, title, big, 330, 4)
    top = centre - (len(lines) * 38) // 2 - 10
    for i, line in enumerate(lines):
        pen.text((centre, top + i * 38), line, font=big, fill=TEXT, anchor="mm")
    for i, line in enumerate(_wrap(pen, subtitle, small, 300, 2)):
        pen.text((centre, 340 + i * 22), line, font=small, fill=TEXT, anchor="mm")
    pen.text((centre, 400), issuer[:40], font=small, fill=TEXT, anchor="mm")
    return image


def png(image: Image.Image, token: str | None = None) -> bytes:
    """The image as PNG bytes, baked with the compact JWT when given."""
    info = PngInfo()
    info.add_text("Title", "Open Badge")
    if token is not None:
        info.add_itxt(KEYWORD, token, zip=False)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def unbake(data: bytes) -> str | None:
    """The credential baked into a PNG, None when it carries none (or is not a PNG)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                return None
            image.load()
            value = image.text.get(KEYWORD)
    except (OSError, ValueError, SyntaxError):
        return None
    return str(value) if value else None
