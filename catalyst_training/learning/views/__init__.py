"""Learner pages: programme, module, lesson, assets, quiz attempts, assignment, my progress."""

from __future__ import annotations

from . import assets, assignments, modules, quizzes  # noqa: F401 - routes attach to bp on import
from .blueprint import bp

__all__ = ["bp"]
