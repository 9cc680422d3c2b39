"""The coordinator console, charts and exports: read-only over the other domains."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The console pages and the `export` commands."""
    from .cli import export_cli
    from .views import bp

    app.register_blueprint(bp)
    app.cli.add_command(export_cli)
