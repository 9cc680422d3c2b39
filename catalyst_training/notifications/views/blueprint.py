"""The notifications blueprint: settings, unsubscribe and confirmation links, sent messages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("notifications", __name__)
