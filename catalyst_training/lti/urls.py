"""URL builders of the tool's LTI endpoints (what platforms are given): never a launch token."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import current_app, url_for

from .token_session import PARAM as TOKEN_PARAM


def without_token(url: str) -> str:
    """The URL without any launch token (``lt``) in its query."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != TOKEN_PARAM]
    return urlunsplit(parts._replace(query=urlencode(query)))


def launch_url() -> str:
    """The launch URL registered with platforms (no query: nothing of a session in it)."""
    base = current_app.config.get("BASE_URL")
    if base:
        url = f"{base.rstrip('/')}/lti/launch"
    else:
        url = url_for("lti.launch", _external=True, **{TOKEN_PARAM: None})
    return urlunsplit(urlsplit(url)._replace(query="", fragment=""))


def tool_base_url() -> str:
    """The tool's public base URL (no trailing slash)."""
    return launch_url().rsplit("/lti/launch", 1)[0]
