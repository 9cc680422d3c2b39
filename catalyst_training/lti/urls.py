"""URL builders of the tool's LTI endpoints (what platforms are given)."""

from __future__ import annotations

from flask import current_app, url_for


def launch_url() -> str:
    """The launch URL registered with platforms."""
    base = current_app.config.get("BASE_URL")
    return f"{base.rstrip('/')}/lti/launch" if base else url_for("lti.launch", _external=True)


def tool_base_url() -> str:
    """The tool's public base URL (no trailing slash)."""
    return launch_url().rsplit("/lti/launch", 1)[0]
