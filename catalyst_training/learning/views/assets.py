"""A module's images and documents: only files of its assets/ folder, of an allowed type."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, send_from_directory

from ...auth.services import require_acting
from ...content.assets import ASSETS_DIR, may_serve
from ...content.loader import find_module
from .blueprint import ANY_ROLE, bp


@bp.get("/m/<slug>/assets/<path:filename>")
def asset(slug: str, filename: str):
    """A file of the module's assets/ folder that lessons may show (never its YAML sources)."""
    require_acting(*ANY_ROLE)
    found = find_module(current_app.config["CONTENT_PATH"], slug)
    if found is None or found.path is None or not may_serve(filename):
        abort(404)
    folder = Path(found.path) / ASSETS_DIR
    # send_from_directory refuses '..' and absolute names; a symlink must not lead out either.
    target = (folder / filename).resolve()
    if not target.is_relative_to(folder.resolve()):
        abort(404)
    return send_from_directory(folder, filename, max_age=3600)
