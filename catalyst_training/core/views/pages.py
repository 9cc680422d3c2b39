"""Public pages outside a launch: home, accessibility statement, language choice."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for

from .blueprint import bp


@bp.get("/")
def index():
    """Home page outside a launch: explain how to reach the tool."""
    return render_template("core/index.html")


@bp.get("/accessibilite")
def accessibility():
    """Accessibility statement (RGAA)."""
    return render_template("core/accessibility.html")


@bp.post("/lang")
def set_language():
    """Remember the interface language chosen by the user."""
    lang = request.form.get("lang", "fr")
    if lang in ("fr", "en"):
        session["lang"] = lang
    target = request.form.get("next") or url_for("core.index")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("core.index")
    return redirect(target)
