"""The coordinator console: overview, drill-downs, exports (read-only over the other domains)."""

from __future__ import annotations

from . import certificates, drill, home  # noqa: F401 - routes attach to bp on import
from .blueprint import bp

__all__ = ["bp"]
