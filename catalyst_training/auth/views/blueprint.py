"""The auth blueprint: the session endpoints (/api/me, coordinator login, logout)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)
