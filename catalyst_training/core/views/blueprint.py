"""The core blueprint: health checks, language choice and the site's public pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("core", __name__)
