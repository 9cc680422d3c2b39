"""Learner pages: programme, module, lesson, assets, quiz, assignment, progress, self-assessment,
glossary."""

from __future__ import annotations

from . import assets, assignments, glossary, modules, quizzes, self_assessment  # noqa: F401 - routes attach to bp on import
from .blueprint import bp

__all__ = ["bp"]
