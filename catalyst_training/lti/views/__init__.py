"""LTI endpoints: OIDC login, launch, JWKS, configuration, deep linking, registration."""

from __future__ import annotations

from . import config, deep_link, launch, register, roster  # noqa: F401 - routes attach to bp on import
from .blueprint import bp

__all__ = ["bp"]
