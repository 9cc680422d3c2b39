"""The LTI 1.1 blueprint (its launch URL lives under /lti like the 1.3 endpoints)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("lti11", __name__, url_prefix="/lti")
