"""Mentoring pages: heatmap, learner files, grading, cohorts, peer exchanges, management."""

from __future__ import annotations

from . import cohorts, console, home, peer, review  # noqa: F401 - routes attach to bp on import
from .blueprint import bp, console_bp

__all__ = ["bp", "console_bp"]
