"""Delivery pages."""

from __future__ import annotations

from . import deliveries, lrs  # noqa: F401 - routes attach to bp on import
from .blueprint import bp

__all__ = ["bp"]
