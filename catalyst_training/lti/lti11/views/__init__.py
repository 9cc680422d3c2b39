"""LTI 1.1 endpoints."""

from __future__ import annotations

from . import launch  # noqa: F401 - routes attach to bp on import
from .blueprint import bp

__all__ = ["bp"]
