"""Credentials pages: downloads, the public verification page, coordinator actions."""

from __future__ import annotations

from . import badges, downloads, manage, received, verify  # noqa: F401 - routes attach to bp on import
from .blueprint import bp

__all__ = ["bp"]
