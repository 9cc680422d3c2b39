"""What a lesson may show from its module folder: files under `assets/` of an allowed type.

The same rule decides what Markdown renders, what `content check` accepts and what the learner
pages serve, so that a module's sources (YAML answer keys, Markdown) never leave the server.
"""

from __future__ import annotations

import re

ASSETS_DIR = "assets"
IMAGE_TYPES = frozenset({"png", "jpg", "jpeg", "gif", "webp", "svg"})
# Linked, not shown inline: the sanitiser keeps no <audio>/<video>/<object> tags.
# Office documents are the field templates a catalyst downloads and fills in (content templates).
DOCUMENT_TYPES = frozenset({"pdf", "odt", "docx", "mp3", "mp4"})
ASSET_TYPES = IMAGE_TYPES | DOCUMENT_TYPES

# A relative path of plain names: no leading slash or backslash, no '..' segment.
_RELATIVE = re.compile(r"^(?![/\\])(?!.*(?:^|/)\.\.(?:/|$))[A-Za-z0-9_./-]+$")


def is_local(href: str) -> bool:
    """Whether href points at a file beside the lesson (no scheme, not an anchor)."""
    return bool(href) and not href.startswith("#") and ":" not in href.split("/", 1)[0]


def extension(name: str) -> str:
    """The lowercase type of a file name ('' when it has none)."""
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def asset_problem(href: str, *, image: bool) -> str | None:
    """Why a local href is not a file a lesson may show (as an image or a link), or None."""
    parts = href.split("/")
    if (
        not _RELATIVE.match(href)
        or parts[0] != ASSETS_DIR
        or len(parts) < 2
        or any(not part or part.startswith(".") for part in parts)
    ):
        return f"is not in the module's {ASSETS_DIR}/ folder"
    allowed = IMAGE_TYPES if image else ASSET_TYPES
    if extension(href) not in allowed:
        return (
            f'has type "{extension(href)}", not allowed for {"an image" if image else "a link"} '
            f"(allowed: {', '.join(sorted(allowed))})"
        )
    return None


def is_asset(href: str, *, image: bool = True) -> bool:
    """Whether href names a file a lesson may show: under assets/, of an allowed type."""
    return asset_problem(href, image=image) is None


def served_name(href: str) -> str:
    """The name of an asset inside the `assets/` folder, as the learner URLs carry it."""
    return href.removeprefix(ASSETS_DIR + "/")


def may_serve(filename: str) -> bool:
    """Whether a name from an asset URL (relative to `assets/`) is a file lessons may show."""
    return is_asset(f"{ASSETS_DIR}/{filename}", image=False)
