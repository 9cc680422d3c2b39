"""Session endpoints: /api/me, a coordinator's direct login at /auth/login, and logout."""

from __future__ import annotations

from . import api, login  # noqa: F401 - routes attach to bp on import
from .blueprint import bp

__all__ = ["bp"]
