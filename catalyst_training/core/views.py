"""Health check, language choice and the accessibility statement."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import text

from ..extensions import cache, db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz():
    """Report database and cache health as JSON (503 when one is down)."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        cache.set("healthz", "1", timeout=5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: no read-back"
    except Exception as exc:
        checks["cache"] = f"error: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    return jsonify({"status": "ok" if ok else "degraded", "checks": checks}), 200 if ok else 503


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
