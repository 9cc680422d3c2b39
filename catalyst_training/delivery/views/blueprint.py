"""The deliveries blueprint (the coordinator's page of grade deliveries)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("deliveries", __name__, url_prefix="/console/deliveries")
