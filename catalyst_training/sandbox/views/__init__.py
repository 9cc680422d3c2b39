"""The sandbox's pages (demo mode only)."""

from __future__ import annotations

from . import pages  # noqa: F401 - routes attach to bp on import
from .blueprint import bp

__all__ = ["bp"]
