"""Cookie attributes for a tool that lives in a cross-site iframe."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

LOOPBACK = {"localhost", "127.0.0.1", "[::1]"}


def cookie_attributes() -> dict[str, Any]:
    """Secure; SameSite=None; Partitioned over HTTPS (or loopback in demo), else SameSite=Lax."""
    secure = False
    if has_request_context():
        host = request.host.rsplit(":", 1)[0] if not request.host.startswith("[") else "[::1]"
        secure = request.is_secure or (
            current_app.config.get("LOOPBACK_SECURE_COOKIES", False) and host in LOOPBACK
        )
    if secure:
        return {"secure": True, "samesite": "None", "partitioned": True}
    return {"secure": False, "samesite": "Lax"}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session with the per-request cookie attributes above."""

    def get_cookie_secure(self, app) -> bool:
        """Secure when the request allows it."""
        return bool(cookie_attributes()["secure"])

    def get_cookie_samesite(self, app) -> str:
        """None inside iframes over HTTPS, Lax otherwise."""
        return str(cookie_attributes()["samesite"])

    def get_cookie_partitioned(self, app) -> bool:
        """CHIPS partitioned cookie whenever it is Secure."""
        return bool(cookie_attributes().get("partitioned", False))
