"""Real-HTTP LTI 1.3 test platform (lti1p3platform-based) for end-to-end tests of the tool."""

from . import forge
from .client import (
    Form,
    LaunchResult,
    LocalSession,
    LoginResult,
    PlatformError,
    ServerThread,
    auth_redirect_url,
    auto_submit_form,
    find_form,
    parse_forms,
)
from .lti import CLAIM, DL_DATA, DL_ITEMS, DL_SETTINGS, ROLES, LaunchSpec, role_uris
from .server import TestPlatform

__all__ = [
    "CLAIM",
    "DL_DATA",
    "DL_ITEMS",
    "DL_SETTINGS",
    "ROLES",
    "Form",
    "LaunchResult",
    "LaunchSpec",
    "LocalSession",
    "LoginResult",
    "PlatformError",
    "ServerThread",
    "TestPlatform",
    "auth_redirect_url",
    "auto_submit_form",
    "find_form",
    "forge",
    "parse_forms",
    "role_uris",
]
