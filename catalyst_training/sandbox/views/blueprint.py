"""The sandbox blueprint and its framing policy (the course page frames the tool)."""

from __future__ import annotations

from flask import Blueprint, request

from ..messages import host_and_port, tool_origin

bp = Blueprint("sandbox", __name__, url_prefix="/sandbox")


@bp.after_request
def _sandbox_policy(response):
    """The app's CSP, plus framing the tool (frame-src) on the other loopback origin.

    Blueprint hooks run before the app's, whose headers are set only when absent.
    """
    _host, port = host_and_port(request.host)
    loopback = [f"{request.scheme}://{name}{port}" for name in ("127.0.0.1", "localhost")]
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; "
        f"frame-src 'self' {tool_origin()}; "
        f"frame-ancestors 'self' {' '.join(loopback)}"
    )
    return response
