"""LTI 1.1: signed basic launches (OAuth 1) and the consumers that send them."""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup


def init_app(app: Flask, platform_cli: AppGroup) -> None:
    """The /lti/launch11 endpoint and the LTI 1.1 `platform` commands (add, secret, origin)."""
    from . import models  # noqa: F401 - registers the consumers' tables
    from .cli import add_lti11, lti11_origin, lti11_scores, lti11_secret
    from .views import bp

    app.register_blueprint(bp)
    platform_cli.add_command(add_lti11)
    platform_cli.add_command(lti11_secret)
    platform_cli.add_command(lti11_origin)
    platform_cli.add_command(lti11_scores)
