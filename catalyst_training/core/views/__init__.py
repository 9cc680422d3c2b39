"""Health and readiness checks, language choice and the accessibility statement."""

from __future__ import annotations

from . import health, pages  # noqa: F401 - routes attach to bp on import
from .blueprint import bp

__all__ = ["bp"]
