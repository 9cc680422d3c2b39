"""The programme as files: modules/ read into immutable objects, checked, and versioned."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the content models, the `content` CLI group and the start-up sync hook."""
    from . import models  # noqa: F401 - registers ModuleVersion on the metadata
    from .cli import content_cli

    app.cli.add_command(content_cli)

    def sync() -> object:
        from .services import sync_modules

        report = sync_modules(app.config["CONTENT_PATH"])
        for problem in report.problems:
            app.logger.warning("content: %s", problem)
        return report

    app.extensions["catalyst_content_sync"] = sync
