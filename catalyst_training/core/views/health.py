"""Health and readiness checks: database, cache and migrations, as JSON."""

from __future__ import annotations

from functools import cache as memoize
from pathlib import Path

from flask import jsonify
from sqlalchemy import text

from ...extensions import cache, db
from .blueprint import bp

# catalyst_training/core/views/health.py -> the repository root, which holds migrations/.
MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


def _service_checks() -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        db.session.rollback()
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        cache.set("healthz", "1", timeout=5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: no read-back"
    except Exception as exc:
        checks["cache"] = f"error: {type(exc).__name__}"
    return checks


def _report(checks: dict[str, str]):
    ok = all(v == "ok" for v in checks.values())
    return jsonify({"status": "ok" if ok else "degraded", "checks": checks}), 200 if ok else 503


@bp.get("/healthz")
def healthz():
    """Report database and cache health as JSON (503 when one is down)."""
    return _report(_service_checks())


@memoize
def _revisions() -> tuple[frozenset[str], frozenset[str]]:
    """(head revisions, every revision) shipped with this code; read once per process."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    return frozenset(script.get_heads()), frozenset(r.revision for r in script.walk_revisions())


def migration_check() -> str:
    """'ok' when the database is at (or ahead of) this code's heads, else what is pending."""
    try:
        current = set(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except Exception as exc:
        db.session.rollback()
        return f"error: {type(exc).__name__}"
    heads, known = _revisions()
    if heads <= current or current - known:
        # Unknown revisions: a newer release migrated first; old nodes keep serving (additive).
        return "ok"
    return f"pending: database at {sorted(current) or ['empty']}, code at {sorted(heads)}"


@bp.get("/readyz")
def readyz():
    """Ready to take traffic: database and cache up, and migrations at this code's head."""
    checks = _service_checks()
    checks["migrations"] = migration_check()
    return _report(checks)
